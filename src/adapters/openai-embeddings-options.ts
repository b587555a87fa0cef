/**
 * What an embedding model is known by before its adapter (and the openai SDK under it) is loaded: the
 * composition root hands out the embedder's id and batch size at start and loads the adapter with the
 * first call (src/composition/models.ts).
 */
export interface OpenAIEmbeddingsOptions {
  readonly model: string
  /** undefined: the SDK's default (api.openai.com) */
  readonly baseURL: string | undefined
  readonly apiKey: string | undefined
  /** asked of models that can shorten their vectors (text-embedding-3-*); others must match it */
  readonly dimensions: number | undefined
  readonly timeoutMs: number
  readonly maxRetries: number
  /** inputs per request; OpenAI accepts 2048, local servers often far fewer */
  readonly maxBatchSize?: number
}

/** provider:model, stored beside every vector: the endpoint's host (or `openai`) and the model name. */
export function embeddingModelId(options: OpenAIEmbeddingsOptions): string {
  return `${options.baseURL === undefined ? 'openai' : hostOf(options.baseURL)}:${options.model}`
}

export function embeddingBatchSize(options: OpenAIEmbeddingsOptions): number {
  return options.maxBatchSize ?? 256
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'custom'
  }
}
