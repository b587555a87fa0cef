import type { ChatModel, ChatRequest, ChatResult } from '../core/models.js'
import { AppError } from '../errors.js'
import { translateModelCallError, upstreamInvalid } from './openai-errors.js'
import { openAIClient } from './openai-client.js'

/**
 * ChatModel on the `openai` SDK: any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp).
 * Retries are the SDK's own: 408/409/429/5xx and connection errors, exponential backoff with jitter,
 * honouring retry-after (up to 60 s), and abortable by the caller's signal. A streamed call is never
 * retried once its body has started.
 */
export interface OpenAIChatOptions {
  readonly model: string
  /** undefined: the SDK's default (api.openai.com) */
  readonly baseURL: string | undefined
  readonly apiKey: string | undefined
  readonly timeoutMs: number
  readonly maxRetries: number
}

export function createOpenAIChat(options: OpenAIChatOptions): ChatModel {
  const client = openAIClient(options)

  function body(req: ChatRequest) {
    return {
      model: req.model ?? options.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
      ...(req.maxTokens === undefined ? {} : { max_tokens: req.maxTokens }),
    }
  }

  return {
    model: options.model,

    async complete(req): Promise<ChatResult> {
      try {
        const res = await client.chat.completions.create(
          { ...body(req), stream: false },
          req.signal === undefined ? {} : { signal: req.signal },
        )
        // A proxy's HTML page arrives as a string, and some servers answer `choices: []`: neither is an answer.
        const choice = (res as Partial<typeof res>).choices?.[0]
        if (choice === undefined || typeof choice.message?.content !== 'string') throw upstreamInvalid('the chat model call')
        return {
          text: choice.message.content,
          model: res.model,
          usage:
            res.usage === undefined ? undefined : { promptTokens: res.usage.prompt_tokens, completionTokens: res.usage.completion_tokens },
          finishReason: choice?.finish_reason ?? undefined,
        }
      } catch (err) {
        throw translateModelCallError(err, 'the chat model call')
      }
    },

    async *stream(req, onDone) {
      let model = req.model ?? options.model
      let usage: ChatResult['usage']
      let finishReason: string | undefined
      let answered = false
      // The SDK's timeout ends at the response headers; a stream trickling tokens needs its own deadline.
      const deadline = new AbortController()
      const timer = setTimeout(() => deadline.abort(), options.timeoutMs)
      const signal = req.signal === undefined ? deadline.signal : AbortSignal.any([req.signal, deadline.signal])
      try {
        const stream = await client.chat.completions.create(
          { ...body(req), stream: true, stream_options: { include_usage: true } },
          { signal },
        )
        for await (const chunk of stream) {
          if (!Array.isArray(chunk.choices)) throw upstreamInvalid('the chat model stream')
          if (chunk.choices.length > 0) answered = true
          model = chunk.model || model
          if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens }
          const choice = chunk.choices[0]
          if (choice?.finish_reason) finishReason = choice.finish_reason
          const delta = choice?.delta.content
          if (delta) yield delta
        }
        // The SDK ends an aborted stream's iteration quietly: without this, a cut answer would pass as whole.
        if (signal.aborted) throw new AppError('aborted', 'the chat model stream was cancelled', { status: 499 })
        if (!answered) throw upstreamInvalid('the chat model stream')
      } catch (err) {
        if (deadline.signal.aborted && req.signal?.aborted !== true) {
          throw new AppError(
            'upstream_timeout',
            `the chat model stream did not finish within ${options.timeoutMs} ms; retry later or raise RAGTUNE_MODEL_TIMEOUT_MS`,
            { status: 504, retryable: true, cause: err },
          )
        }
        throw translateModelCallError(err, 'the chat model stream')
      } finally {
        clearTimeout(timer)
      }
      onDone?.({ model, usage, finishReason })
    },
  }
}

/**
 * One client per endpoint: a voice served elsewhere (a registered LoRA adapter on vLLM) reuses its
 * client, and with it the connection pool, across requests.
 */
export function createChatModelFactory(
  defaults: Omit<OpenAIChatOptions, 'baseURL' | 'apiKey'>,
): (endpoint: { readonly baseURL: string; readonly apiKey?: string }) => ChatModel {
  const cache = new Map<string, ChatModel>()
  return (endpoint) => {
    const key = `${endpoint.baseURL}\u0000${endpoint.apiKey ?? ''}`
    let chat = cache.get(key)
    if (chat === undefined) {
      chat = createOpenAIChat({ ...defaults, baseURL: endpoint.baseURL, apiKey: endpoint.apiKey })
      cache.set(key, chat)
    }
    return chat
  }
}
