import { randomUUID } from 'node:crypto'
import os from 'node:os'
import type { IngestJob, JobPayload, JobProgress, JobStore } from '../../core/jobs.js'
import { jobFromRow, type JobRow } from '../job-row.js'
import { inTransaction, migratePg, type PgPool } from './pg-database.js'

const migrations: readonly string[] = [
  `CREATE TABLE ingest_jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    origin TEXT NOT NULL,
    files_total INTEGER NOT NULL,
    files_done INTEGER NOT NULL DEFAULT 0,
    pages_done INTEGER NOT NULL DEFAULT 0,
    chunks_done INTEGER NOT NULL DEFAULT 0,
    results JSONB NOT NULL DEFAULT '[]',
    error JSONB,
    owner TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    heartbeat_at TIMESTAMPTZ
  );
  CREATE INDEX ingest_jobs_open ON ingest_jobs (created_at) WHERE status IN ('queued', 'running');`,
  // Queue jobs carry their inputs so any worker can run them; older rows (payload NULL) stay in-process jobs.
  `ALTER TABLE ingest_jobs ADD COLUMN payload JSONB;`,
  `ALTER TABLE ingest_jobs ADD COLUMN pages_total INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE ingest_jobs ADD COLUMN percent DOUBLE PRECISION NOT NULL DEFAULT 0;`,
]

export interface PgJobStoreOptions {
  readonly pool: PgPool
  /** how often a running job renews its lease */
  readonly heartbeatMs?: number
  /** a running job whose heartbeat is older than this has lost its worker: it may be reclaimed */
  readonly leaseMs?: number
  /** identifies this worker in `owner`; default `host:pid:random` */
  readonly owner?: string
}

export interface PgJobStore extends JobStore {
  /**
   * Claims the oldest queued job, or a running one whose worker stopped renewing its lease, for this
   * worker, and starts its heartbeat. Several workers may call it at once: `FOR UPDATE SKIP LOCKED`
   * hands each job to exactly one of them. Resolves undefined when there is nothing to do.
   */
  claimNext(): Promise<(IngestJob & { readonly attempts: number }) | undefined>
  enqueue(id: string, payload: JobPayload): Promise<void>
  release(id: string): Promise<void>
}

/**
 * Ingestion jobs in PostgreSQL, shared by every replica and ingest worker. Ownership is a lease: the
 * owner renews `heartbeat_at`; once it is older than `leaseMs` the job is reclaimable by `claimNext`
 * (or, for jobs that cannot move between machines, failed by `recoverAbandoned`).
 */
export async function createPgJobStore(options: PgJobStoreOptions): Promise<PgJobStore> {
  const { pool } = options
  await migratePg(pool, 'ingest_jobs', migrations)
  const owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  const heartbeatMs = options.heartbeatMs ?? 5_000
  const leaseSeconds = (options.leaseMs ?? 60_000) / 1000
  const beats = new Map<string, NodeJS.Timeout>()

  const get = async (id: string): Promise<JobRow | undefined> =>
    (await pool.query<JobRow>('SELECT * FROM ingest_jobs WHERE id = $1', [id])).rows[0]

  const beat = (id: string): void => {
    clearInterval(beats.get(id))
    const timer = setInterval(() => {
      // A lost beat is harmless while the lease lasts; the next one (or finish) catches up.
      pool.query('UPDATE ingest_jobs SET heartbeat_at = now() WHERE id = $1 AND owner = $2', [id, owner]).catch(() => undefined)
    }, heartbeatMs)
    timer.unref()
    beats.set(id, timer)
  }
  const stopBeat = (id: string): void => {
    clearInterval(beats.get(id))
    beats.delete(id)
  }

  return {
    async create(input) {
      const { rows } = await pool.query<JobRow>(
        `INSERT INTO ingest_jobs (id, status, origin, files_total, owner, heartbeat_at, payload) VALUES ($1, 'queued', $2, $3, $4, now(), $5) RETURNING *`,
        [randomUUID(), input.origin, input.filesTotal, owner, input.payload === undefined ? null : JSON.stringify(input.payload)],
      )
      return jobFromRow(rows[0]!)
    },

    async start(id) {
      await pool.query(
        `UPDATE ingest_jobs SET status = 'running', started_at = COALESCE(started_at, now()), heartbeat_at = now(), owner = $2,
           attempts = attempts + 1 WHERE id = $1`,
        [id, owner],
      )
      beat(id)
    },

    async claimNext() {
      const row = await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM ingest_jobs
           WHERE payload IS NOT NULL AND (status = 'queued' OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)))
           ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [leaseSeconds],
        )
        const id = rows[0]?.id
        if (id === undefined) return undefined
        const claimed = await client.query<JobRow>(
          `UPDATE ingest_jobs SET status = 'running', started_at = COALESCE(started_at, now()), heartbeat_at = now(), owner = $2,
             attempts = attempts + 1, files_done = 0, pages_done = 0, pages_total = 0, percent = 0, chunks_done = 0, results = '[]', error = NULL
           WHERE id = $1 RETURNING *`,
          [id, owner],
        )
        return claimed.rows[0]
      })
      if (row === undefined) return undefined
      beat(row.id)
      return { ...jobFromRow(row), attempts: row.attempts }
    },

    async enqueue(id, payload) {
      await pool.query("UPDATE ingest_jobs SET payload = $2, files_total = $3, status = 'queued', heartbeat_at = now() WHERE id = $1", [
        id,
        JSON.stringify(payload),
        payload.files.length + (payload.failures?.length ?? 0),
      ])
    },

    async release(id) {
      stopBeat(id)
      await pool.query("UPDATE ingest_jobs SET status = 'queued', owner = NULL, heartbeat_at = now() WHERE id = $1 AND owner = $2", [
        id,
        owner,
      ])
    },

    async progress(id, p: JobProgress) {
      await pool.query(
        `UPDATE ingest_jobs SET files_total = COALESCE($2, files_total), files_done = COALESCE($3, files_done),
           pages_done = COALESCE($4, pages_done), chunks_done = COALESCE($5, chunks_done),
           results = CASE WHEN $6::jsonb IS NULL THEN results ELSE results || $6::jsonb END, heartbeat_at = now(),
           pages_total = COALESCE($8, pages_total), percent = COALESCE($9, percent)
         WHERE id = $1 AND owner = $7`,
        [
          id,
          p.filesTotal ?? null,
          p.filesDone ?? null,
          p.pagesDone ?? null,
          p.chunksDone ?? null,
          p.result === undefined ? null : JSON.stringify([p.result]),
          owner,
          p.pagesTotal ?? null,
          p.percent ?? null,
        ],
      )
    },

    async finish(id, outcome) {
      stopBeat(id)
      await pool.query(
        // Fencing: a worker whose lease ran out (its job now another's) must not write into it.
        'UPDATE ingest_jobs SET status = $2, error = $3, finished_at = now(), heartbeat_at = now() WHERE id = $1 AND owner = $4',
        [id, outcome.status, outcome.error === undefined ? null : JSON.stringify(outcome.error), owner],
      )
    },

    async get(id) {
      const row = await get(id)
      return row === undefined ? undefined : jobFromRow(row)
    },

    async list(limit) {
      const { rows } = await pool.query<JobRow>('SELECT * FROM ingest_jobs ORDER BY created_at DESC LIMIT $1', [limit])
      return rows.map(jobFromRow)
    },

    async countQueued() {
      const { rows } = await pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM ingest_jobs WHERE status = 'queued'")
      return rows[0]?.n ?? 0
    },

    async recoverAbandoned() {
      const error = {
        code: 'job_abandoned',
        message:
          'the worker running this job stopped renewing its lease before it finished; run the ingest again (finished files are kept)',
      }
      const { rows } = await pool.query<JobRow>(
        `UPDATE ingest_jobs SET status = 'failed', error = $1, finished_at = now()
         WHERE status IN ('queued', 'running') AND payload IS NULL AND owner <> $2 AND heartbeat_at < now() - make_interval(secs => $3)
         RETURNING *`,
        [JSON.stringify(error), owner, leaseSeconds],
      )
      return rows.map(jobFromRow)
    },

    async close() {
      for (const id of [...beats.keys()]) stopBeat(id)
    },
  }
}
