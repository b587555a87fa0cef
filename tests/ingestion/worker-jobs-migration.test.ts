import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, expect, it } from 'vitest'
import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

it('the payload migration keeps jobs written before it valid, and never hands them to workers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-jobs-mig-'))
  dirs.push(dir)
  const file = path.join(dir, 'ragtune.db')
  // The store as it was before queue jobs: migration 1 only, one finished and one queued in-process job.
  const old = new Database(file)
  old.exec(`CREATE TABLE schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version));
    INSERT INTO schema_migrations VALUES ('ingest_jobs', 1, '2026-01-01T00:00:00.000Z');
    CREATE TABLE ingest_jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, origin TEXT NOT NULL, files_total INTEGER NOT NULL,
      files_done INTEGER NOT NULL DEFAULT 0, pages_done INTEGER NOT NULL DEFAULT 0, chunks_done INTEGER NOT NULL DEFAULT 0,
      results TEXT NOT NULL DEFAULT '[]', error TEXT, owner TEXT, owner_token TEXT, created_at TEXT NOT NULL, started_at TEXT,
      finished_at TEXT, heartbeat_at TEXT);
    INSERT INTO ingest_jobs (id, status, origin, files_total, files_done, created_at, finished_at) VALUES ('old-done', 'succeeded', 'cli', 1, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
    INSERT INTO ingest_jobs (id, status, origin, files_total, owner, owner_token, created_at, heartbeat_at) VALUES ('old-open', 'running', 'http', 1, 'elsewhere:1', 't', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');`)
  old.close()

  const jobs = createSqliteJobStore({ path: file, leaseMs: 10 })
  expect(await jobs.get('old-done')).toMatchObject({ status: 'succeeded', filesDone: 1, attempts: 0 })
  expect((await jobs.get('old-done'))?.payload).toBeUndefined()
  expect(await jobs.claimNext!()).toBeUndefined()
  // Without inputs it cannot be re-run: recovery fails it as before.
  expect((await jobs.recoverAbandoned()).map((j) => [j.id, j.error?.code])).toEqual([['old-open', 'job_abandoned']])
  const queued = await jobs.create({
    origin: 'queue',
    filesTotal: 1,
    payload: { files: [{ path: '/shared/a.pdf', name: 'a.pdf', sha256: 'ab' }], documentId: 'a', overrides: { company: 'Acme' } },
  })
  expect(await jobs.claimNext!()).toMatchObject({
    id: queued.id,
    status: 'running',
    attempts: 1,
    payload: { documentId: 'a', overrides: { company: 'Acme' }, files: [{ name: 'a.pdf' }] },
  })
  await jobs.close()
})
