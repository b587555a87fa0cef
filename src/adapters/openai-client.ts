import OpenAI from 'openai'

/** Where and how an adapter reaches an OpenAI-compatible API. */
export interface OpenAIEndpoint {
  /** undefined: the SDK's default (api.openai.com) */
  readonly baseURL?: string | undefined
  readonly apiKey?: string | undefined
  readonly timeoutMs: number
  readonly maxRetries: number
}

/**
 * The `openai` SDK client for an endpoint. Local OpenAI-compatible servers (Ollama, vLLM, TEI) may check no
 * key, but the SDK refuses to start without one: a missing key is sent as "unused".
 */
export function openAIClient(endpoint: OpenAIEndpoint): OpenAI {
  return new OpenAI({
    apiKey: endpoint.apiKey ?? 'unused',
    ...(endpoint.baseURL === undefined ? {} : { baseURL: endpoint.baseURL }),
    timeout: endpoint.timeoutMs,
    maxRetries: endpoint.maxRetries,
  })
}
