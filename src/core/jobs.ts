/**
 * Persisted ingestion jobs. Every ingest (CLI or HTTP) is a job, so progress and per-file failures can be
 * read from another process while it runs and after it ends.
 *
 * Status: `queued` → `running` → `succeeded` (it ran to the end; some files may still have failed, see
 * `results`) or `failed` (the job itself could not finish: every file failed, it was cancelled, or its
 * process died — detected on the next start through the owner and heartbeat).
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface FileResult {
  readonly file: string
  readonly documentId: string | null
  readonly version: number | null
  readonly status: 'ingested' | 'unchanged' | 'failed'
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
  readonly chunksDone: number
  readonly results: readonly FileResult[]
  readonly error: { readonly code: string; readonly message: string } | null
  readonly createdAt: string
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly heartbeatAt: string | null
  /** the process running it: `host:pid` */
  readonly owner: string | null
}

export interface JobProgress {
  /** known once paths are resolved or an upload is read */
  readonly filesTotal?: number
  readonly filesDone?: number
  /** pages parsed so far across the job, including the file in progress */
  readonly pagesDone?: number
  readonly chunksDone?: number
  /** appended to `results` */
  readonly result?: FileResult
}

export interface JobStore {
  create(input: { origin: string; filesTotal: number }): Promise<IngestJob>
  /** marks the job running, owned by this process, and starts its heartbeat */
  start(id: string): Promise<void>
  progress(id: string, progress: JobProgress): Promise<void>
  finish(id: string, outcome: { status: 'succeeded' | 'failed'; error?: { code: string; message: string } }): Promise<void>
  get(id: string): Promise<IngestJob | undefined>
  list(limit: number): Promise<IngestJob[]>
  /**
   * Marks queued/running jobs whose owning process is gone as failed (`job_abandoned`) and returns them,
   * so the caller can clear their staged files.
   */
  recoverAbandoned(): Promise<IngestJob[]>
  close(): Promise<void>
}
