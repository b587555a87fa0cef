import { randomUUID } from 'node:crypto'
import os from 'node:os'
import type { FileResult, JobStore } from '../../core/jobs.js'
import { jobFromRow, type JobRow } from '../job-row.js'
import { applyMigrations, openDatabase, type Db } from './database.js'

const migrations = [
  `CREATE TABLE ingest_jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    origin TEXT NOT NULL,
    files_total INTEGER NOT NULL,
    files_done INTEGER NOT NULL DEFAULT 0,
    pages_done INTEGER NOT NULL DEFAULT 0,
    chunks_done INTEGER NOT NULL DEFAULT 0,
    results TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    owner TEXT,
    owner_token TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    heartbeat_at TEXT
  );
  CREATE INDEX ingest_jobs_status ON ingest_jobs(status);`,
  // Queue jobs carry their inputs so any worker can run them; older rows (payload NULL) stay in-process jobs.
  `ALTER TABLE ingest_jobs ADD COLUMN payload TEXT;
  ALTER TABLE ingest_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;`,
  `ALTER TABLE ingest_jobs ADD COLUMN pages_total INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE ingest_jobs ADD COLUMN percent REAL NOT NULL DEFAULT 0;`,
]

/** SQLite keeps timestamps as ISO text and the job's process token beside its owner. */
interface SqliteJobRow extends JobRow {
  owner_token: string | null
  results: string
  created_at: string
  heartbeat_at: string | null
}

export interface SqliteJobStoreOptions {
  readonly path: string
  /** how often a running job proves its process is alive */
  readonly heartbeatMs?: number
  /** a job on another host whose heartbeat is older than this is abandoned */
  readonly staleAfterMs?: number
  /** a queue job whose heartbeat is older than this has lost its worker: `claimNext` may take it (default staleAfterMs) */
  readonly leaseMs?: number
}

/**
 * Jobs in the store's SQLite file. A job records its owner (`host:pid` plus a per-process token) and a
 * heartbeat; on start-up `recoverAbandoned` fails jobs whose process is gone: on this host, a pid that is
 * no longer alive (or alive but not the process that owned it); elsewhere, a heartbeat gone stale.
 */
export function createSqliteJobStore(options: SqliteJobStoreOptions): JobStore {
  const db: Db = openDatabase(options.path)
  applyMigrations(db, 'ingest_jobs', migrations)
  const host = os.hostname()
  const owner = `${host}:${process.pid}`
  const token = randomUUID()
  const heartbeatMs = options.heartbeatMs ?? 5_000
  const staleAfterMs = options.staleAfterMs ?? 60_000
  const leaseMs = options.leaseMs ?? staleAfterMs
  const beats = new Map<string, NodeJS.Timeout>()
  const now = (): string => new Date().toISOString()
  const get = db.prepare<[string], SqliteJobRow>('SELECT * FROM ingest_jobs WHERE id = ?')

  const beat = (id: string): void => {
    clearInterval(beats.get(id))
    const timer = setInterval(() => {
      try {
        // Only while this process still owns it: a worker that lost its lease must not take the job back.
        db.prepare('UPDATE ingest_jobs SET heartbeat_at = ? WHERE id = ? AND owner_token = ?').run(now(), id, token)
      } catch {
        // A busy or closed database skips one beat; the next one (or finish) catches up.
      }
    }, heartbeatMs)
    timer.unref()
    beats.set(id, timer)
  }
  const claim = db.prepare<[string, string, string, string, string], SqliteJobRow>(
    `UPDATE ingest_jobs SET status = 'running', started_at = COALESCE(started_at, ?), heartbeat_at = ?, owner = ?, owner_token = ?,
       attempts = attempts + 1, files_done = 0, pages_done = 0, pages_total = 0, percent = 0, chunks_done = 0, results = '[]', error = NULL
     WHERE id = (SELECT id FROM ingest_jobs WHERE payload IS NOT NULL
                   AND (status = 'queued' OR (status = 'running' AND heartbeat_at < ?))
                 ORDER BY created_at LIMIT 1)
     RETURNING *`,
  )
  const claimOne = db.transaction((cutoff: string) => claim.get(now(), now(), owner, token, cutoff))

  const stopBeat = (id: string): void => {
    clearInterval(beats.get(id))
    beats.delete(id)
  }

  return {
    async create(input) {
      const id = randomUUID()
      db.prepare(
        'INSERT INTO ingest_jobs (id, status, origin, files_total, owner, owner_token, created_at, heartbeat_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        id,
        'queued',
        input.origin,
        input.filesTotal,
        owner,
        token,
        now(),
        now(),
        input.payload === undefined ? null : JSON.stringify(input.payload),
      )
      const row = get.get(id)
      if (row === undefined) throw new Error('job vanished after insert')
      return jobFromRow(row)
    },
    async start(id) {
      db.prepare(
        "UPDATE ingest_jobs SET status = 'running', started_at = ?, heartbeat_at = ?, owner = ?, owner_token = ? WHERE id = ?",
      ).run(now(), now(), owner, token, id)
      beat(id)
    },
    async enqueue(id, payload) {
      db.prepare("UPDATE ingest_jobs SET payload = ?, files_total = ?, status = 'queued', heartbeat_at = ? WHERE id = ?").run(
        JSON.stringify(payload),
        payload.files.length + (payload.failures?.length ?? 0),
        now(),
        id,
      )
    },
    async claimNext() {
      const cutoff = new Date(Date.now() - leaseMs).toISOString()
      // IMMEDIATE takes the write lock before the SELECT, so two processes can never pick the same row.
      const row = claimOne.immediate(cutoff)
      if (row === undefined) return undefined
      beat(row.id)
      return jobFromRow(row)
    },
    async release(id) {
      stopBeat(id)
      db.prepare(
        "UPDATE ingest_jobs SET status = 'queued', owner = NULL, owner_token = NULL, heartbeat_at = ? WHERE id = ? AND owner_token = ?",
      ).run(now(), id, token)
    },
    async progress(id, p) {
      const append = db.transaction(() => {
        const row = get.get(id)
        // Fencing: a worker whose lease ran out (its job now another's) must not write into it.
        if (row === undefined || row.owner_token !== token) return
        const results = p.result === undefined ? row.results : JSON.stringify([...(JSON.parse(row.results) as FileResult[]), p.result])
        db.prepare(
          'UPDATE ingest_jobs SET files_total = ?, files_done = ?, pages_done = ?, pages_total = ?, percent = ?, chunks_done = ?, results = ?, heartbeat_at = ? WHERE id = ?',
        ).run(
          p.filesTotal ?? row.files_total,
          p.filesDone ?? row.files_done,
          p.pagesDone ?? row.pages_done,
          p.pagesTotal ?? row.pages_total,
          p.percent ?? row.percent,
          p.chunksDone ?? row.chunks_done,
          results,
          now(),
          id,
        )
      })
      append.immediate()
    },
    async finish(id, outcome) {
      stopBeat(id)
      db.prepare('UPDATE ingest_jobs SET status = ?, error = ?, finished_at = ?, heartbeat_at = ? WHERE id = ? AND owner_token = ?').run(
        outcome.status,
        outcome.error === undefined ? null : JSON.stringify(outcome.error),
        now(),
        now(),
        id,
        token,
      )
    },
    async get(id) {
      const row = get.get(id)
      return row === undefined ? undefined : jobFromRow(row)
    },
    async list(limit) {
      return db.prepare<[number], SqliteJobRow>('SELECT * FROM ingest_jobs ORDER BY created_at DESC LIMIT ?').all(limit).map(jobFromRow)
    },
    async countQueued() {
      return db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM ingest_jobs WHERE status = 'queued'").get()?.n ?? 0
    },
    async recoverAbandoned() {
      const recover = db.transaction(() => {
        // Queue jobs (with a payload) are never abandoned: a worker reclaims them once their lease runs out.
        const open = db
          .prepare<[], SqliteJobRow>("SELECT * FROM ingest_jobs WHERE status IN ('queued', 'running') AND payload IS NULL")
          .all()
        const dead = open.filter((row) => !ownerAlive(row))
        const error = JSON.stringify({
          code: 'job_abandoned',
          message: 'the process running this job stopped before it finished; run the ingest again (finished files are kept)',
        })
        for (const row of dead) {
          db.prepare("UPDATE ingest_jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, now(), row.id)
        }
        return dead.map((row) => row.id)
      })
      return recover.immediate().map((id) => jobFromRow(get.get(id) as SqliteJobRow))
    },
    async close() {
      for (const id of [...beats.keys()]) stopBeat(id)
      if (db.open) db.close()
    },
  }

  function ownerAlive(row: SqliteJobRow): boolean {
    if (row.owner_token === token) return true
    const [rowHost, pidText] = (row.owner ?? '').split(':')
    if (rowHost === host) {
      const pid = Number(pidText)
      // Same pid with another token: the pid was reused after the owner died.
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
      return pidAlive(pid)
    }
    const beat = Date.parse(row.heartbeat_at ?? row.created_at)
    return Date.now() - beat < staleAfterMs
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
