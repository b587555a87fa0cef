import type { FileResult, IngestJob, JobPayload, JobStatus } from '../core/jobs.js'
import { isoTime, isoTimeOrNull, jsonColumn, jsonColumnOrNull } from './sql-values.js'

/** An ingest job as both SQL stores select it (`SELECT *`): the same columns; see sql-values.ts for the unions. */
export interface JobRow {
  id: string
  status: JobStatus
  origin: string
  files_total: number
  files_done: number
  pages_done: number
  pages_total: number
  percent: number
  chunks_done: number
  results: FileResult[] | string
  error: { code: string; message: string } | string | null
  owner: string | null
  attempts: number
  created_at: string | Date
  started_at: string | Date | null
  finished_at: string | Date | null
  heartbeat_at: string | Date | null
  payload: JobPayload | string | null
}

export function jobFromRow(row: JobRow): IngestJob {
  return {
    id: row.id,
    status: row.status,
    origin: row.origin,
    filesTotal: row.files_total,
    filesDone: row.files_done,
    pagesDone: row.pages_done,
    pagesTotal: row.pages_total,
    percent: row.status === 'succeeded' ? 100 : row.percent,
    chunksDone: row.chunks_done,
    results: jsonColumn(row.results),
    error: jsonColumnOrNull(row.error),
    createdAt: isoTime(row.created_at),
    startedAt: isoTimeOrNull(row.started_at),
    finishedAt: isoTimeOrNull(row.finished_at),
    heartbeatAt: isoTimeOrNull(row.heartbeat_at),
    owner: row.owner,
    attempts: row.attempts,
    ...(row.payload === null ? {} : { payload: jsonColumn(row.payload) }),
  }
}
