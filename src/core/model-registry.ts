/**
 * The model registry: every voice a client can pick, how it is served, how it scored, and which one is
 * active. A voice is `prompted` (style exemplars given to a base model), `fine-tuned` (its own model), or
 * both. Readers check `version()` — a counter bumped by every write — so an activation by another process
 * (the CLI) reaches a running server on its next request without a restart.
 */

export type VoiceKind = 'prompted' | 'fine-tuned' | 'prompted+fine-tuned'
export type ModelStatus = 'training' | 'ready' | 'failed' | 'cancelled'

export interface ModelEvaluation {
  readonly evaluatedAt: string
  readonly prompts: number
  /** mean authorship score (0..1, higher sounds more like the voice) of each candidate */
  readonly voiceScore: { readonly base: number; readonly tuned: number; readonly prompted?: number }
  /** fact-lock flags (ungrounded numbers, dangling citations) raised by each candidate */
  readonly flags: { readonly base: number; readonly tuned: number; readonly prompted?: number }
}

export interface RegisteredModel {
  /** the name clients pass as `model` (a voice id) */
  readonly id: string
  /** 'openai' (fine-tuning API), 'openai-compatible' (a registered adapter), 'prompted' */
  readonly provider: string
  /** model name to call; null means the configured base chat model */
  readonly model: string | null
  readonly baseModel: string | null
  /** where a self-served adapter lives (vLLM, Ollama); null for the default endpoint */
  readonly baseURL: string | null
  readonly datasetHash: string | null
  readonly jobId: string | null
  readonly status: ModelStatus
  readonly kind: VoiceKind
  readonly evaluation: ModelEvaluation | null
  /** the collection this voice answers from by default (an IR voice from IR's documents); null: any */
  readonly collection: string | null
  readonly active: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

export type NewModel = Omit<RegisteredModel, 'active' | 'createdAt' | 'updatedAt' | 'evaluation' | 'kind' | 'collection'> & {
  readonly kind?: VoiceKind
}

export interface ModelRegistry {
  /** inserts or updates by id; keeps the active flag and voice samples, and the evaluation unless the model changed */
  upsert(model: NewModel): Promise<RegisteredModel>
  get(id: string): Promise<RegisteredModel | undefined>
  findByJob(jobId: string): Promise<RegisteredModel | undefined>
  list(): Promise<RegisteredModel[]>
  active(): Promise<RegisteredModel | undefined>
  /** makes `id` the only active model; `model_not_found` if unknown, `model_not_ready` unless ready */
  activate(id: string): Promise<RegisteredModel>
  deactivateAll(): Promise<void>
  setEvaluation(id: string, evaluation: ModelEvaluation): Promise<RegisteredModel>
  /** binds the voice to a collection (null: unbinds); `model_not_found` if unknown */
  bindCollection(id: string, collection: string | null): Promise<RegisteredModel>
  /** replaces the voice's style passages and marks it prompted (or prompted+fine-tuned) */
  setVoiceSamples(id: string, passages: readonly string[]): Promise<RegisteredModel>
  /** the voice passages closest to the question by BM25; never more than `limit` */
  closestSamples(id: string, question: string, limit: number): Promise<string[]>
  /** changes whenever anything in the registry changes, in any process sharing the store */
  version(): Promise<number>
  close(): Promise<void>
}
