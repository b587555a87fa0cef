/**
 * Fine-tuning, provider side. A provider (the OpenAI fine-tuning API today; Azure OpenAI or another
 * hosted trainer later) turns a chat-JSONL dataset into a model id. Jobs are persisted so a restarted CLI
 * or server resumes watching them; the HTTP layer reaches all of this through `FineTuneService` only.
 */

export const FINE_TUNE_STATUSES = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const
export type FineTuneStatus = (typeof FINE_TUNE_STATUSES)[number]

const TERMINAL: ReadonlySet<FineTuneStatus> = new Set(['succeeded', 'failed', 'cancelled'])

/** Terminal states never change again; every other state is worth polling. */
export function isTerminalStatus(status: FineTuneStatus): boolean {
  return TERMINAL.has(status)
}

/** A dataset file as read from disk or received over HTTP. */
export interface FineTuneFile {
  readonly name: string
  readonly content: Uint8Array
}

export interface FineTuneSpec {
  readonly baseModel: string
  readonly training: FineTuneFile
  readonly validation?: FineTuneFile
  readonly suffix?: string
  /** undefined lets the provider choose ("auto") */
  readonly epochs?: number
  readonly batchSize?: number
  readonly learningRateMultiplier?: number
  readonly seed?: number
}

export interface FineTuneJob {
  /** the provider's job id (ftjob-… for OpenAI) */
  readonly id: string
  readonly provider: string
  readonly baseModel: string
  readonly status: FineTuneStatus
  /** set once the job succeeds */
  readonly fineTunedModel: string | null
  readonly trainingFileId: string
  readonly validationFileId: string | null
  readonly suffix: string | null
  readonly error: { readonly code: string; readonly message: string } | null
  readonly trainedTokens: number | null
  readonly createdAt: string
  readonly finishedAt: string | null
}

export interface FineTuneEvent {
  readonly id: string
  readonly createdAt: string
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
  /** training progress, when the event is a metrics event */
  readonly step?: number
  readonly totalSteps?: number
  readonly trainLoss?: number
}

export interface FineTuneProvider {
  readonly name: string
  /** uploads the files and creates the job; throws AppError with a message saying what to do */
  start(spec: FineTuneSpec, signal?: AbortSignal): Promise<FineTuneJob>
  get(jobId: string, signal?: AbortSignal): Promise<FineTuneJob>
  /** events after `afterEventId` (all when undefined), oldest first */
  events(jobId: string, afterEventId?: string, signal?: AbortSignal): Promise<FineTuneEvent[]>
  cancel(jobId: string, signal?: AbortSignal): Promise<FineTuneJob>
}

/** What the store keeps about a job beyond the provider's view. */
export interface StoredFineTuneJob extends FineTuneJob {
  readonly datasetHash: string | null
  /** the registry id the tuned model is (or will be) registered under */
  readonly voiceName: string | null
  /** last event seen, so a resumed watch prints only what is new */
  readonly lastEventId: string | null
  readonly updatedAt: string
}

export interface FineTuneJobStore {
  save(
    job: FineTuneJob,
    extra: { datasetHash?: string | null; voiceName?: string | null; lastEventId?: string | null },
  ): Promise<StoredFineTuneJob>
  get(jobId: string): Promise<StoredFineTuneJob | undefined>
  list(options?: { unfinishedOnly?: boolean }): Promise<StoredFineTuneJob[]>
  close(): Promise<void>
}

/** The HTTP port: POST|GET /v1/finetunes, GET /v1/finetunes/:id, POST /v1/finetunes/:id/cancel, POST /v1/models/:id/activate. */
export interface FineTuneService {
  start(request: FineTuneSpec & { readonly name?: string }): Promise<StoredFineTuneJob>
  /** refreshes an unfinished job from its provider (registering the model on success); `finetune_not_found` */
  get(jobId: string): Promise<StoredFineTuneJob>
  list(): Promise<StoredFineTuneJob[]>
  /** `finetune_not_cancellable` (409) once the job has ended */
  cancel(jobId: string): Promise<StoredFineTuneJob>
  /** `force` activates even when the evaluation says the tuned model is worse than its base */
  activate(modelId: string, options: { force: boolean }): Promise<{ readonly id: string; readonly active: boolean }>
}
