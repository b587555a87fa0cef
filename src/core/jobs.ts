/**
 * Persisted ingestion jobs. Every ingest (CLI or HTTP) is a job, so progress and per-file failures can be
 * read from another process while it runs and after it ends.
 *
 * Status: `queued` → `running` → `succeeded` (it ran to the end; some files may still have failed, see
 * `results`) or `failed` (the job itself could not finish: every file failed, it was cancelled, or its
 * process died — detected on the next start through the owner and heartbeat).
 */
import type { MetaOverrides } from './ingest/metadata.js'

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface FileResult {
  readonly file: string
  readonly documentId: string | null
  readonly version: number | null
  /** skipped: found in a directory but of a type ragtune does not ingest (the reason is in `error`) */
  readonly status: 'ingested' | 'unchanged' | 'failed' | 'skipped'
  readonly pages: number
  readonly chunks: number
  readonly error?: { readonly code: string; readonly message: string }
  readonly seconds: number
}

export interface IngestJob {
  readonly id: string
  readonly status: JobStatus
  /** 'cli' | 'http' */
  readonly origin: string
  readonly filesTotal: number
  readonly filesDone: number
  readonly pagesDone: number
  /** the sum of the page counts known so far (a file's is known once its parse starts) */
  readonly pagesTotal: number
  /** 0–100, one decimal: finished files plus the parsed share of those in progress, over all files; 100 once succeeded */
  readonly percent: number
  readonly chunksDone: number
  readonly results: readonly FileResult[]
  readonly error: { readonly code: string; readonly message: string } | null
  readonly createdAt: string
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly heartbeatAt: string | null
  /** the process running it: `host:pid` */
  readonly owner: string | null
  /** the job's inputs, for queue jobs */
  readonly payload?: JobPayload
  /** how many times a worker has claimed it (more than 1: a worker died or released it) */
  readonly attempts?: number
}

/** A stored input of a queued job; `path` must be readable by whichever worker claims it (shared storage). */
export interface JobFile {
  readonly path: string
  /** the client's file name, used in results */
  readonly name: string
  readonly sha256?: string
}

/**
 * What a job needs so that any process can run it: its files and per-job options. A job with a payload is
 * a queue job: workers claim it (`claimNext`), and start-up recovery never fails it (it is reclaimed).
 */
export interface JobPayload {
  readonly files: readonly JobFile[]
  /** files already rejected at upload (too large, …), recorded as failed results when the job runs */
  readonly failures?: readonly FileResult[]
  /** only with exactly one file */
  readonly documentId?: string
  /** where the files go; default `default` */
  readonly collection?: string
  readonly overrides?: MetaOverrides
  /** removed once the job ends (the upload's staging directory) */
  readonly stagingDir?: string
}

export interface JobProgress {
  /** known once paths are resolved or an upload is read */
  readonly filesTotal?: number
  readonly filesDone?: number
  /** pages parsed so far across the job, including the file in progress */
  readonly pagesDone?: number
  /** page counts known so far across the job */
  readonly pagesTotal?: number
  /** 0–100, see `IngestJob.percent` */
  readonly percent?: number
  readonly chunksDone?: number
  /** appended to `results` */
  readonly result?: FileResult
}

export interface JobStore {
  /** with a payload the job is queued for workers at once */
  create(input: { origin: string; filesTotal: number; payload?: JobPayload }): Promise<IngestJob>
  /** attaches the inputs of a job created without them (an upload, once stored) and queues it for workers */
  enqueue?(id: string, payload: JobPayload): Promise<void>
  /**
   * Claims the oldest queued job with a payload, or a running one whose worker stopped renewing its lease,
   * for this process, resets its progress (a re-run starts over; committed files come out `unchanged`)
   * and starts its heartbeat. Concurrent callers, in any process, never get the same job.
   */
  claimNext?(): Promise<IngestJob | undefined>
  /** gives a claimed job back to the queue (graceful stop): stops its heartbeat, status `queued` */
  release?(id: string): Promise<void>
  /** marks the job running, owned by this process, and starts its heartbeat */
  start(id: string): Promise<void>
  progress(id: string, progress: JobProgress): Promise<void>
  finish(id: string, outcome: { status: 'succeeded' | 'failed'; error?: { code: string; message: string } }): Promise<void>
  get(id: string): Promise<IngestJob | undefined>
  list(limit: number): Promise<IngestJob[]>
  /** how many jobs wait in the queue (status `queued`), for the queue-depth gauge */
  countQueued(): Promise<number>
  /**
   * Marks queued/running jobs whose owning process is gone as failed (`job_abandoned`) and returns them,
   * so the caller can clear their staged files.
   */
  recoverAbandoned(): Promise<IngestJob[]>
  close(): Promise<void>
}
