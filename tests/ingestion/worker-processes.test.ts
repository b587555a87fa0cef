import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'
import type { JobStore } from '../../src/core/jobs.js'

const bin = path.resolve(import.meta.dirname, '../../bin/ragtune.js')

interface Worker {
  child: ChildProcess
  stdout: string
  stderr: string
  exit: Promise<number | null>
}

function startWorker(dataDir: string): Worker {
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'worker', '--json', '--concurrency', '2'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', RAGTUNE_INGEST_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const w: Worker = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) }
  child.stdout?.on('data', (b: Buffer) => (w.stdout += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (w.stderr += b.toString()))
  return w
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`gave up waiting: ${what}`)
}

/** Real `ragtune worker` processes on one SQLite file: the IMMEDIATE-transaction claim across processes. */
describe('ragtune worker processes', () => {
  let dir: string
  let jobs: JobStore
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-workers-'))
    fs.mkdirSync(path.join(dir, 'data'))
    jobs = createSqliteJobStore({ path: path.join(dir, 'data', 'ragtune.db') })
  })
  afterAll(async () => {
    await jobs.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('two worker processes share the queue, run each job once, and stop cleanly on SIGTERM', async () => {
    const workers = [startWorker(path.join(dir, 'data')), startWorker(path.join(dir, 'data'))]
    await until(() => workers.every((w) => w.stderr.includes('ingest worker started')), 'workers to start')
    const ids: string[] = []
    for (let i = 0; i < 12; i++) {
      const file = path.join(dir, 'in', `note-${i}.txt`)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, `Note ${i} on the quokka${i} programme.\n\nIts budget was raised by ${i} percent this year.`)
      ids.push((await jobs.create({ origin: 'queue', filesTotal: 1, payload: { files: [{ path: file, name: `note-${i}.txt` }] } })).id)
    }
    await until(async () => (await Promise.all(ids.map((id) => jobs.get(id)))).every((j) => j?.status === 'succeeded'), 'jobs to succeed')
    for (const w of workers) w.child.kill('SIGTERM')
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0])
    const lines = workers.flatMap((w) =>
      w.stdout
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    )
    const ran = lines.filter((l) => 'jobId' in l)
    expect(ran.map((l) => l.jobId).sort()).toEqual([...ids].sort())
    expect(ran.every((l) => l.outcome === 'succeeded' && l.attempts === 1)).toBe(true)
    expect(lines.filter((l) => 'summary' in l)).toHaveLength(2)
    for (const w of workers) expect(w.stderr).toContain('ingest worker stopped')
  })

  it('rejects a bad --concurrency with exit code 2', async () => {
    let err = ''
    const stderr = new Writable({
      write(chunk: Buffer, _enc, cb) {
        err += chunk.toString()
        cb()
      },
    })
    expect(await main(['--data-dir', path.join(dir, 'data'), 'worker', '--concurrency', 'many'], { env: {}, stderr })).toBe(2)
    expect(err).toContain('[invalid_arguments]')
  })
})
