/**
 * Model ports. One OpenAI-compatible adapter (src/adapters/openai-*.ts) implements them for OpenAI,
 * Azure OpenAI, Ollama, vLLM, llama.cpp, LM Studio and TEI; tests run it against tests/support emulators.
 * Adapters translate SDK errors into AppError (`upstream_rate_limited` 503 + retryAfter,
 * `upstream_error` 502, `upstream_timeout` 504, `upstream_rejected` 4xx) and honour the AbortSignal.
 */

export interface EmbeddingModel {
  /** provider:model, stored beside every vector; a change means re-embedding, never mixing */
  readonly id: string
  readonly dimensions: number
  readonly maxBatchSize: number
  embedDocuments(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>
  embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array>
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant'
  readonly content: string
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[]
  /** overrides the adapter's default model (the active voice model, a fine-tuned id) */
  readonly model?: string
  readonly temperature?: number
  readonly maxTokens?: number
  readonly signal?: AbortSignal
}

export interface ChatUsage {
  readonly promptTokens: number
  readonly completionTokens: number
}

export interface ChatResult {
  readonly text: string
  readonly model: string
  readonly usage: ChatUsage | undefined
  readonly finishReason: string | undefined
}

export interface ChatModel {
  /** the default model name this adapter calls */
  readonly model: string
  complete(request: ChatRequest): Promise<ChatResult>
  /** yields text deltas; the final usage and finish reason arrive through `onDone` */
  stream(request: ChatRequest, onDone?: (result: Omit<ChatResult, 'text'>) => void): AsyncIterable<string>
}
