import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { makeLongPdf } from '../support/pdf-fixtures.js'

const BIN = fileURLToPath(new URL('../../bin/ragtune.js', import.meta.url))

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr.on('data', (b: Buffer) => (out += b.toString()))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })),
  )
  return { child, exit }
}

describe('a process killed in the middle of an ingest', () => {
  let dataDir: string
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-kill-'))
  })
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('leaves the previous version served, no partial chunks, and the job failed after restart', async () => {
    const file = path.join(dataDir, 'big.pdf')
    fs.writeFileSync(file, await makeLongPdf(4, 'old'))
    // Version 1 through the same composition root the CLI uses, in-process to save a start-up.
    const setup = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dataDir, RAGTUNE_INGEST_WORKERS: '0' }), pino({ level: 'silent' }))
    const first = await ingestPaths(setup.ingest, [file])
    await closeDeps(setup)
    expect(first.results[0]).toMatchObject({ status: 'ingested', version: 1 })

    const dbPath = path.join(dataDir, 'ragtune.db')
    const corpus = createSqliteCorpus({ path: dbPath, logger: pino({ level: 'silent' }) })
    const jobs = createSqliteJobStore({ path: dbPath })
    const v1 = await corpus.getDocument('big')
    expect(v1?.activeVersion).toBe(1)

    fs.writeFileSync(file, await makeLongPdf(500, 'new'))
    const second = run(['--data-dir', dataDir, 'ingest', file, '--json'], { RAGTUNE_INGEST_WORKERS: '1' })
    let running: Awaited<ReturnType<typeof jobs.list>>[number] | undefined
    for (let i = 0; i < 600 && running === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100))
      running = (await jobs.list(5)).find((j) => j.status === 'running' && j.pagesDone > 0)
    }
    expect(running, 'the job never showed progress').toBeDefined()
    second.child.kill('SIGKILL')
    const killed = await second.exit
    expect(killed.signal).toBe('SIGKILL')

    // Old version still served, whole, and nothing of the new one stored.
    expect((await corpus.getDocument('big'))?.activeVersion).toBe(1)
    const hits = await corpus.keywordSearch({ terms: ['edition'], filter: { documentIds: ['big'] }, limit: 1000 })
    expect(hits.length).toBe(v1?.chunks)
    expect(hits.every((h) => h.version === 1 && h.chunk.text.includes('old edition'))).toBe(true)
    const versions = corpus.db.prepare<[], { v: number }>("SELECT DISTINCT version AS v FROM chunks WHERE document_id = 'big'").all()
    expect(versions).toEqual([{ v: 1 }])
    expect((await jobs.get(running!.id))?.status).toBe('running')

    // "Restart": building the dependencies again (as serve and every command do) recovers the job.
    const deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dataDir }), pino({ level: 'silent' }))
    await closeDeps(deps)
    const after = await jobs.get(running!.id)
    expect(after).toMatchObject({ status: 'failed', error: { code: 'job_abandoned' } })
    await jobs.close()
    await corpus.close()
  }, 150_000)
})
