import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps, type BuiltDeps } from '../../src/deps.js'
import { createLogger } from '../../src/logger.js'
import { checkStoreIntegrity } from '../../src/adapters/sqlite/integrity-check.js'
import type { Corpus } from '../../src/core/corpus.js'
import { probeReady } from '../support/readiness.js'

let dir: string
let deps: BuiltDeps
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-readiness-'))
  deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dir, RAGTUNE_INGEST_WORKERS: '0' }), createLogger({ level: 'silent' }))
})
afterAll(async () => {
  await closeDeps(deps)
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The store, with its integrity checks answered by the test: each call waits for the next `answer`. */
function gatedCorpus(corpus: Corpus): { corpus: Corpus; checks: () => number; answer: (problems: string[]) => void } {
  const waiting: ((problems: string[]) => void)[] = []
  let checks = 0
  const gated: Corpus = {
    ...corpus,
    checkIntegrity: () => {
      checks++
      return new Promise((resolve) => waiting.push(resolve))
    },
  }
  return { corpus: gated, checks: () => checks, answer: (problems) => waiting.shift()?.(problems) }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20))

describe('/readyz while the store integrity check runs', () => {
  it('answers 503 starting (with retry-after) until the first check ends, then 200; liveness meanwhile is 200', async () => {
    const gate = gatedCorpus(deps.corpus)
    const app = await buildApp({ ...deps, corpus: gate.corpus })
    try {
      // the check started with the app, not with the first probe
      expect(gate.checks()).toBe(1)
      const early = await app.inject({ method: 'GET', url: '/readyz' })
      expect(early.statusCode).toBe(503)
      expect(early.json()).toMatchObject({ error: { code: 'starting', message: expect.stringMatching(/integrity check/) } })
      expect(early.headers['retry-after']).toBe('1')
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
      // probes while it runs start no second check
      await app.inject({ method: 'GET', url: '/readyz' })
      expect(gate.checks()).toBe(1)

      gate.answer([])
      await settle()
      const ready = await app.inject({ method: 'GET', url: '/readyz' })
      expect(ready.statusCode).toBe(200)
      expect(ready.json()).toEqual({ status: 'ready', store: 'sqlite', documents: 0 })
      // a sound result is reused: no new check per probe
      await app.inject({ method: 'GET', url: '/readyz' })
      expect(gate.checks()).toBe(1)
    } finally {
      await app.close()
    }
  })

  it('a failing store stays 503 store_corrupt and is checked again on later probes, so a repaired store comes back', async () => {
    const gate = gatedCorpus(deps.corpus)
    const app = await buildApp({ ...deps, corpus: gate.corpus })
    try {
      gate.answer(['*** in database main ***\nPage 7: btreeInitPage() returns error code 11'])
      await settle()
      const corrupt = await app.inject({ method: 'GET', url: '/readyz' })
      expect(corrupt.statusCode).toBe(503)
      expect(corrupt.json()).toMatchObject({ error: { code: 'store_corrupt', message: expect.stringMatching(/ragtune store repair/) } })
      // that probe started a new check; until it ends the last result stands
      expect(gate.checks()).toBe(2)
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ error: { code: 'store_corrupt' } })
      gate.answer([])
      await settle()
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('closing the app waits for a running check (its worker reads the store file)', async () => {
    const gate = gatedCorpus(deps.corpus)
    const app = await buildApp({ ...deps, corpus: gate.corpus })
    let closed = false
    const closing = app.close().then(() => {
      closed = true
    })
    await settle()
    expect(closed).toBe(false)
    gate.answer([])
    await closing
    expect(closed).toBe(true)
  })

  it('the real check (in a worker thread) passes a sound store: /readyz turns 200 on its own', async () => {
    const app = await buildApp(deps)
    try {
      const ready = await probeReady(app)
      expect(ready.statusCode).toBe(200)
      expect(ready.json()).toMatchObject({ status: 'ready', store: 'sqlite' })
    } finally {
      await app.close()
    }
  })
})

describe('checkStoreIntegrity (a worker thread on a read-only connection)', () => {
  it('finds no problem in a sound file and reports damaged pages in a corrupted copy', async () => {
    const file = path.join(dir, 'sample.db')
    const db = new Database(file)
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX t_body ON t (body)')
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)')
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(200)}`)
    })()
    expect(await checkStoreIntegrity(file, db)).toEqual([])
    db.close()

    // garbage over the last page of the index (found with SQLite's dbstat)
    const damaged = path.join(dir, 'damaged.db')
    const bytes = fs.readFileSync(file)
    const probe = new Database(file, { readonly: true })
    const pageSize = probe.pragma('page_size', { simple: true }) as number
    const page = probe.prepare<[], { pageno: number }>("SELECT max(pageno) AS pageno FROM dbstat WHERE name = 't_body'").get()!.pageno
    probe.close()
    bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize)
    fs.writeFileSync(damaged, bytes)
    const own = new Database(damaged, { readonly: true })
    try {
      const problems = await checkStoreIntegrity(damaged, own)
      expect(problems.length).toBeGreaterThan(0)
    } finally {
      own.close()
    }
  })

  it('checks on the store’s own connection when the worker cannot open the file', async () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (x)')
    // a path the worker cannot open: the check falls back to `db`, which is sound
    expect(await checkStoreIntegrity(path.join(dir, 'no-such-dir', 'missing.db'), db)).toEqual([])
    db.close()
  })
})
