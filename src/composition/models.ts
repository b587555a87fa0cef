import type { Config } from '../config.js'
import type { ChatModel, EmbeddingModel } from '../core/models.js'
import type { OpenAIChatOptions } from '../adapters/openai-chat.js'
import { once } from '../lazy.js'
import { embeddingBatchSize, embeddingModelId, type OpenAIEmbeddingsOptions } from '../adapters/openai-embeddings-options.js'

/**
 * The one place that creates model adapters. They sit on the openai SDK, the largest library a command
 * would otherwise load at start (some 240 modules): each adapter module is loaded with its first call, so
 * whatever never calls a model — `documents list`, `keys`, `serve` until a question needs one — never
 * pays for it. What this returns has the port's shape and forwards every call to the adapter.
 */
export interface Models {
  /** RAGTUNE_EMBEDDING_MODEL's embedder, when set */
  readonly embedder: EmbeddingModel | undefined
  /** RAGTUNE_CHAT_MODEL at the configured endpoint, when set */
  readonly chat: ChatModel | undefined
  /** a chat model at another endpoint (a voice served by vLLM), one client per endpoint */
  readonly chatFor: (endpoint: { readonly baseURL: string; readonly apiKey?: string }) => ChatModel
}

export function openModels(config: Config): Models {
  const m = config.models
  const call = { timeoutMs: m.timeoutMs, maxRetries: m.maxRetries }
  const endpoints = once(async () => (await chatAdapter()).createChatModelFactory({ ...call, model: m.chatModel ?? 'default' }))
  // one model per endpoint, asked for with every answer in a voice: made once (the voices are few)
  const byEndpoint = new Map<string, ChatModel>()
  return {
    embedder:
      m.embeddingModel === undefined
        ? undefined
        : openEmbeddings({ ...call, model: m.embeddingModel, baseURL: m.baseURL, apiKey: m.apiKey, dimensions: m.embeddingDimensions }),
    chat: m.chatModel === undefined ? undefined : openChat({ ...call, model: m.chatModel, baseURL: m.baseURL, apiKey: m.apiKey }),
    chatFor(endpoint) {
      const key = `${endpoint.baseURL}\u0000${endpoint.apiKey ?? ''}`
      let model = byEndpoint.get(key)
      if (model === undefined) byEndpoint.set(key, (model = lazyChat(m.chatModel ?? 'default', async () => (await endpoints())(endpoint))))
      return model
    },
  }
}

/**
 * A chat model for offline tools (dataset preparation, voice evaluation, registering a self-served model):
 * the configured endpoint, key, timeout and retries unless the caller names another endpoint.
 */
export function openChatModel(
  config: Config,
  options: { readonly model: string; readonly baseURL?: string | null; readonly apiKey?: string; readonly maxRetries?: number },
): ChatModel {
  // An endpoint of its own (a vLLM server) takes no key from the configured one.
  const own = options.baseURL !== undefined && options.baseURL !== null
  return openChat({
    model: options.model,
    baseURL: own ? (options.baseURL ?? undefined) : config.models.baseURL,
    apiKey: own ? options.apiKey : (options.apiKey ?? config.models.apiKey),
    timeoutMs: config.models.timeoutMs,
    maxRetries: options.maxRetries ?? config.models.maxRetries,
  })
}

export function openChat(options: OpenAIChatOptions): ChatModel {
  return lazyChat(options.model, async () => (await chatAdapter()).createOpenAIChat(options))
}

export function openEmbeddings(options: OpenAIEmbeddingsOptions): EmbeddingModel {
  let loaded: EmbeddingModel | undefined
  const model = once(async () => (loaded = (await embeddingsAdapter()).createOpenAIEmbeddings(options)))
  return {
    id: embeddingModelId(options),
    maxBatchSize: embeddingBatchSize(options),
    // learned from the first response when not configured
    get dimensions() {
      return loaded?.dimensions ?? options.dimensions ?? 0
    },
    embedDocuments: async (texts, signal) => (await model()).embedDocuments(texts, signal),
    embedQuery: async (text, signal) => (await model()).embedQuery(text, signal),
  }
}

function lazyChat(model: string, load: () => Promise<ChatModel>): ChatModel {
  const chat = once(load)
  return {
    model,
    complete: async (request) => (await chat()).complete(request),
    async *stream(request, onDone) {
      yield* (await chat()).stream(request, onDone)
    },
  }
}

const chatAdapter = once(() => import('../adapters/openai-chat.js'))
const embeddingsAdapter = once(() => import('../adapters/openai-embeddings.js'))
