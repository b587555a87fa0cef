import type { Config } from '../config.js'
import type { ChatModel } from '../core/models.js'
import { createOpenAIChat } from '../adapters/openai-chat.js'

/**
 * A chat model for offline tools (dataset preparation, voice evaluation, registering a self-served model):
 * the configured endpoint, key, timeout and retries unless the caller names another endpoint. The one
 * place outside deps.ts that picks the chat adapter.
 */
export function openChatModel(
  config: Config,
  options: { readonly model: string; readonly baseURL?: string | null; readonly apiKey?: string; readonly maxRetries?: number },
): ChatModel {
  // An endpoint of its own (a vLLM server) takes no key from the configured one.
  const own = options.baseURL !== undefined && options.baseURL !== null
  return createOpenAIChat({
    model: options.model,
    baseURL: own ? (options.baseURL ?? undefined) : config.models.baseURL,
    apiKey: own ? options.apiKey : (options.apiKey ?? config.models.apiKey),
    timeoutMs: config.models.timeoutMs,
    maxRetries: options.maxRetries ?? config.models.maxRetries,
  })
}
