import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { storageFault } from '../../src/errors.js'
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import { buildApp } from '../../src/app.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { capture } from '../support/capture-stream.js'
import { startListeningApp } from '../support/listening-app.js'
import { probeReady } from '../support/readiness.js'

const cli = async (dataDir: string, args: string[]) => {
  const stdout = capture()
  const stderr = capture()
  const code = await main(['--data-dir', dataDir, ...args], { env: { RAGTUNE_INGEST_WORKERS: '0' }, stdout, stderr })
  return { code, out: stdout.text(), err: stderr.text() }
}
const results = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { status?: string; error?: { code: string; message: string } | null; summary?: unknown })

/** A small tmpfs when this process may mount one (root), else undefined. */
function tmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('storage faults have their own codes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-faults-'))
  const inputs = path.join(root, 'in')
  const mounts: string[] = []
  beforeAll(() => {
    fs.mkdirSync(inputs)
    fs.writeFileSync(path.join(inputs, 'small.txt'), 'Alpha Corp revenue was 111 million in 2020.\n')
    const para = (i: number) => `Paragraph ${i}: the company reported revenue of ${i} million and unique words w${i}x${i * 7}.\n\n`
    fs.writeFileSync(path.join(inputs, 'large.txt'), Array.from({ length: 30_000 }, (_, i) => para(i)).join(''))
  })
  afterAll(() => {
    for (const m of mounts) execFileSync('umount', [m], { stdio: 'ignore' })
    fs.rmSync(root, { recursive: true, force: true })
  })

  it('a full disk → disk_full, and what was stored stays', { timeout: 120_000 }, async () => {
    const dataDir = path.join(root, 'full')
    fs.mkdirSync(dataDir)
    if (tmpfs(dataDir, '1m')) {
      mounts.push(dataDir)
      expect((await cli(dataDir, ['ingest', path.join(inputs, 'small.txt'), '--json'])).code).toBe(0)
      const { code, out } = await cli(dataDir, ['ingest', path.join(inputs, 'large.txt'), '--json'])
      expect(code).toBe(1)
      const line = results(out)[0]
      expect(line?.error?.code).toBe('disk_full')
      const ask = await cli(dataDir, ['ask', 'Alpha Corp revenue', '--json'])
      expect(JSON.parse(ask.out)).toMatchObject({ answer: expect.stringMatching(/111 million/) })
    } else {
      // not allowed to mount here: SQLite's own SQLITE_FULL from a page-count cap goes through the same translation
      const db = new Database(path.join(dataDir, 'cap.db'))
      db.exec('CREATE TABLE t (x TEXT)')
      db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 2}`)
      let caught: unknown
      try {
        for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(4000))
      } catch (err) {
        caught = err
      }
      db.close()
      expect(storageFault(caught)).toMatchObject({ code: 'disk_full', status: 507 })
    }
  })

  it('a read-only data dir → store_read_only, not "unable to open database file"', async () => {
    const dataDir = path.join(root, 'ro')
    fs.mkdirSync(dataDir)
    const mounted = tmpfs(dataDir, '8m')
    if (mounted) mounts.push(dataDir)
    expect((await cli(dataDir, ['ingest', path.join(inputs, 'small.txt'), '--json'])).code).toBe(0)
    if (mounted) execFileSync('mount', ['-o', 'remount,ro', dataDir])
    else fs.chmodSync(dataDir, 0o500)
    const fresh = path.join(inputs, 'fresh.txt')
    fs.writeFileSync(fresh, 'Beta Corp revenue was 222 million.\n')
    const { code, out, err } = await cli(dataDir, ['ingest', fresh, '--json'])
    expect(code).not.toBe(0)
    expect(`${out}${err}`).toMatch(/store_read_only/)
    expect(`${out}${err}`).not.toMatch(/unable to open database file|internal/)
  })

  /** A store with one document whose `table` has its last page overwritten with garbage (found with dbstat). */
  async function storeWithDamaged(name: string, table: string): Promise<string> {
    const dataDir = path.join(root, name)
    expect((await cli(dataDir, ['ingest', path.join(inputs, 'small.txt'), '--json'])).code).toBe(0)
    const db = path.join(dataDir, 'ragtune.db')
    const probe = new Database(db)
    probe.pragma('wal_checkpoint(TRUNCATE)')
    const pageSize = probe.pragma('page_size', { simple: true }) as number
    const page = probe.prepare<[string], { pageno: number }>('SELECT max(pageno) AS pageno FROM dbstat WHERE name = ?').get(table)!.pageno
    probe.close()
    const bytes = fs.readFileSync(db)
    bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize)
    fs.writeFileSync(db, bytes)
    return dataDir
  }

  it('a store table damaged where start reads it → store_corrupt with the recovery, not a raw SQLite error', async () => {
    const dataDir = await storeWithDamaged('corrupt-keys', 'api_keys')
    const deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dataDir, RAGTUNE_INGEST_WORKERS: '0' }), pino({ level: 'silent' }))
    try {
      // the server reads its keys as it assembles its routes
      await expect(buildApp(deps)).rejects.toMatchObject({
        code: 'store_corrupt',
        message: expect.stringContaining('ragtune store repair'),
      })
    } finally {
      await closeDeps(deps)
    }
    const serve = await cli(dataDir, ['serve', '--port', '0'])
    expect(serve.code).toBe(1)
    expect(serve.err).toContain('[store_corrupt]')
  })

  it('a damaged model registry: the server starts, /readyz and the registry answer store_corrupt with a request id', async () => {
    const dataDir = await storeWithDamaged('corrupt-models', 'models')
    const server = await startListeningApp({ RAGTUNE_DATA_DIR: dataDir })
    try {
      for (const url of ['/readyz', '/v1/models']) {
        const res = url === '/readyz' ? await probeReady(server.app) : await server.app.inject({ url })
        expect(res.statusCode, url).toBe(503)
        expect(res.json(), url).toMatchObject({
          error: { code: 'store_corrupt', message: expect.stringContaining('ragtune store repair') },
          requestId: expect.any(String),
        })
      }
    } finally {
      await server.close()
    }
  })

  it('a corrupted store: /readyz fails, answers are store_corrupt, store check finds it and repair backs up first', async () => {
    const dataDir = path.join(root, 'corrupt')
    expect((await cli(dataDir, ['ingest', path.join(inputs, 'small.txt'), '--json'])).code).toBe(0)
    const db = path.join(dataDir, 'ragtune.db')
    expect(fs.existsSync(`${db}-wal`) ? fs.statSync(`${db}-wal`).size : 0).toBe(0)
    // garbage over the last page of the chunks table (found with SQLite's dbstat)
    const probe = new Database(db, { readonly: true })
    const pageSize = probe.pragma('page_size', { simple: true }) as number
    const page = probe.prepare<[], { pageno: number }>("SELECT max(pageno) AS pageno FROM dbstat WHERE name = 'chunks'").get()!.pageno
    probe.close()
    const bytes = fs.readFileSync(db)
    bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize)
    fs.writeFileSync(db, bytes)
    expect((await cli(dataDir, ['store', 'check', '--json'])).code).toBe(1)

    const server = await startListeningApp({ RAGTUNE_DATA_DIR: dataDir })
    try {
      const ready = await probeReady(server.app)
      expect(ready.statusCode).toBe(503)
      expect(ready.json()).toMatchObject({ error: { code: 'store_corrupt' }, requestId: expect.any(String) })
      const ask = await server.app.inject({ method: 'POST', url: '/v1/ask', payload: { question: 'Alpha Corp revenue' } })
      expect(ask.statusCode).not.toBe(500)
      if (ask.statusCode !== 200) expect(ask.json()).toMatchObject({ error: { code: 'store_corrupt' } })
    } finally {
      await server.close()
    }

    const repaired = await cli(dataDir, ['store', 'repair', '--json'])
    const report = JSON.parse(repaired.out) as { ok: boolean; backup: string }
    expect(fs.readFileSync(report.backup).equals(bytes)).toBe(true)
    expect((fs.statSync(report.backup).mode & 0o777).toString(8)).toBe('600')
    expect(repaired.code).toBe(report.ok ? 0 : 1)
    expect((await cli(dataDir, ['store', 'check'])).code).toBe(report.ok ? 0 : 1)
  })
})
