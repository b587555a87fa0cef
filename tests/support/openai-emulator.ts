import { createHash, randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * A protocol-faithful stand-in for the OpenAI HTTP API, so production adapters (built on the `openai`
 * SDK) run unchanged in tests: same paths, bearer auth, error bodies `{error:{message,type,param,code}}`,
 * `retry-after` on 429, SSE chunk streaming ending in `data: [DONE]`, base64 or float embeddings.
 * Behaviour is scripted per test: a responder for chat, queued faults, delays. Fine-tuning and files
 * routes are added by plugins (tests/support/openai-finetune-emulator.ts).
 */

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: unknown
}

export interface ChatCompletionBody {
  model: string
  messages: { role: string; content: unknown }[]
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  temperature?: number
  max_tokens?: number
  max_completion_tokens?: number
}

export type ChatResponder = (body: ChatCompletionBody) => string | Promise<string>

export interface Fault {
  /** only requests whose path ends with this (e.g. '/chat/completions'); any path when omitted */
  readonly path?: string
  readonly status: number
  readonly code?: string
  readonly type?: string
  readonly message?: string
  readonly headers?: Record<string, string>
  /** drop the connection without answering (a network failure) instead of sending a status */
  readonly disconnect?: boolean
  /** answer with this body and content type instead of an API answer (an HTML page from a proxy) */
  readonly raw?: { readonly contentType: string; readonly body: string }
  /** a well-formed chat completion (or stream) whose `choices` is empty */
  readonly emptyChoices?: boolean
  /** a streamed answer that breaks after its first chunk: the connection reset, or a data line that is not JSON */
  readonly brokenStream?: 'reset' | 'malformed'
}

export interface EmulatorState {
  readonly requests: RecordedRequest[]
  readonly models: Set<string>
  apiKey: string | undefined
  responder: ChatResponder
  /** delay before any answer, per request (slow upstream) */
  latencyMs: number
  /** delay between streamed chunks */
  chunkDelayMs: number
  embeddingDimensions: number
  readonly faults: Fault[]
  /** streamed answers the client hung up on before the end (an aborted upstream call) */
  abortedStreams: number
}

export type EmulatorPlugin = (app: FastifyInstance, state: EmulatorState) => void | Promise<void>

export interface OpenAIEmulator {
  /** base URL including /v1, as OPENAI_BASE_URL expects */
  readonly url: string
  readonly state: EmulatorState
  readonly requests: RecordedRequest[]
  /** the next matching request(s) fail with this fault, once per entry */
  failNext(fault: Fault, times?: number): void
  setResponder(responder: ChatResponder): void
  close(): Promise<void>
}

export const defaultResponder: ChatResponder = (body) => {
  const last = [...body.messages].reverse().find((m) => m.role === 'user')
  const text = typeof last?.content === 'string' ? last.content : ''
  return `Emulated answer (${text.length} characters of prompt) [1].`
}

export async function startOpenAIEmulator(
  options: { apiKey?: string; models?: string[]; plugins?: EmulatorPlugin[]; embeddingDimensions?: number } = {},
): Promise<OpenAIEmulator> {
  const state: EmulatorState = {
    requests: [],
    models: new Set(options.models ?? ['gpt-4o-mini', 'text-embedding-3-small']),
    apiKey: options.apiKey,
    responder: defaultResponder,
    latencyMs: 0,
    chunkDelayMs: 0,
    embeddingDimensions: options.embeddingDimensions ?? 64,
    faults: [],
    abortedStreams: 0,
  }
  // faults the chat handler acts out itself (they need a real answer's framing)
  const answerFaults = new WeakMap<FastifyRequest, Fault>()
  // Close drops open connections too: a test that aborted a slow call must not wait for it.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024, forceCloseConnections: true })

  app.addHook('onRequest', async (req, reply) => {
    if (state.apiKey !== undefined && req.headers.authorization !== `Bearer ${state.apiKey}`) {
      return sendError(reply, 401, {
        message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      })
    }
  })
  app.addHook('preHandler', async (req, reply) => {
    state.requests.push({ method: req.method, path: req.url.split('?')[0] ?? req.url, headers: req.headers, body: req.body })
    if (state.latencyMs > 0) await sleep(state.latencyMs)
    const i = state.faults.findIndex((f) => f.path === undefined || req.url.split('?')[0]?.endsWith(f.path))
    if (i < 0) return
    const [fault] = state.faults.splice(i, 1)
    if (fault === undefined) return
    if (fault.disconnect === true) {
      req.raw.socket.destroy()
      return reply.hijack()
    }
    if (fault.raw !== undefined) return reply.status(fault.status).type(fault.raw.contentType).send(fault.raw.body)
    if (fault.emptyChoices === true || fault.brokenStream !== undefined) {
      answerFaults.set(req, fault)
      return
    }
    for (const [k, v] of Object.entries(fault.headers ?? {})) void reply.header(k, v)
    return sendError(reply, fault.status, {
      message: fault.message ?? defaultMessage(fault.status),
      type: fault.type ?? defaultType(fault.status),
      code: fault.code ?? null,
    })
  })

  app.get('/v1/models', async () => ({
    object: 'list',
    data: [...state.models].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'emulator' })),
  }))

  app.post('/v1/chat/completions', async (req: FastifyRequest<{ Body: ChatCompletionBody }>, reply) => {
    const body = req.body
    if (typeof body?.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
      return sendError(reply, 400, {
        message: "Missing required parameter: 'model' or 'messages'.",
        type: 'invalid_request_error',
        param: 'messages',
        code: null,
      })
    }
    if (!state.models.has(body.model)) {
      return sendError(reply, 404, {
        message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
        type: 'invalid_request_error',
        code: 'model_not_found',
      })
    }
    const text = await state.responder(body)
    const promptTokens = countTokens(body.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join(' '))
    const completionTokens = countTokens(text)
    const id = `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`
    const created = Math.floor(Date.now() / 1000)
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
    const fault = answerFaults.get(req)
    if (body.stream !== true) {
      return {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices:
          fault?.emptyChoices === true
            ? []
            : [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
        system_fingerprint: 'fp_emulator',
      }
    }
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_emulator', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`
    if (fault?.emptyChoices === true) {
      raw.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [] })}\n\n`)
      raw.end('data: [DONE]\n\n')
      return
    }
    raw.write(chunk({ role: 'assistant', content: '', refusal: null }, null))
    if (fault?.brokenStream === 'reset') {
      raw.write(chunk({ content: 'Partial ' }, null))
      setTimeout(() => raw.socket?.resetAndDestroy(), 20)
      return
    }
    if (fault?.brokenStream === 'malformed') raw.write(`${chunk({ content: 'Partial ' }, null)}data: {"id": not json\n\n`)
    for (const piece of splitForStreaming(text)) {
      if (state.chunkDelayMs > 0) await sleep(state.chunkDelayMs)
      if (raw.destroyed) {
        state.abortedStreams++
        return
      }
      raw.write(chunk({ content: piece }, null))
    }
    raw.write(chunk({}, 'stop'))
    if (body.stream_options?.include_usage === true) {
      raw.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage })}\n\n`)
    }
    raw.end('data: [DONE]\n\n')
  })

  app.post(
    '/v1/embeddings',
    async (req: FastifyRequest<{ Body: { input: unknown; model: string; encoding_format?: string; dimensions?: number } }>, reply) => {
      const { input, model, encoding_format: format, dimensions } = req.body
      const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined
      if (inputs === undefined || inputs.length === 0 || inputs.some((s) => typeof s !== 'string' || s.length === 0)) {
        return sendError(reply, 400, {
          message: "'$.input' is invalid. Please check the API reference.",
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        })
      }
      if (inputs.length > 2048) {
        return sendError(reply, 400, {
          message: 'Too many inputs: at most 2048 per request.',
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        })
      }
      if (!state.models.has(model)) {
        return sendError(reply, 404, {
          message: `The model \`${model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          code: 'model_not_found',
        })
      }
      const dims = dimensions ?? state.embeddingDimensions
      const data = (inputs as string[]).map((text, index) => {
        const vec = embedText(text, dims)
        return { object: 'embedding', index, embedding: format === 'base64' ? Buffer.from(vec.buffer).toString('base64') : Array.from(vec) }
      })
      const tokens = (inputs as string[]).reduce((n, s) => n + countTokens(s), 0)
      return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }
    },
  )

  for (const plugin of options.plugins ?? []) await plugin(app, state)

  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  return {
    url: `http://127.0.0.1:${port}/v1`,
    state,
    requests: state.requests,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i++) state.faults.push(fault)
    },
    setResponder(responder) {
      state.responder = responder
    },
    close: () => app.close(),
  }
}

export function sendError(
  reply: FastifyReply,
  status: number,
  error: { message: string; type: string; param?: string | null; code: string | null },
): FastifyReply {
  return reply.status(status).send({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } })
}

/** Deterministic bag-of-words embedding: texts sharing words are close, so dense search is testable. */
export function embedText(text: string, dims: number): Float32Array {
  const vec = new Float32Array(dims)
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const h = createHash('sha256').update(word).digest()
    vec[h.readUInt32LE(0) % dims]! += h[4]! & 1 ? 1 : -1
  }
  const norm = Math.hypot(...vec) || 1
  for (let i = 0; i < dims; i++) vec[i]! /= norm
  return vec
}

function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}

function splitForStreaming(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? []
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function defaultType(status: number): string {
  if (status === 429) return 'requests'
  if (status >= 500) return 'server_error'
  return 'invalid_request_error'
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests. Please try again later.'
  if (status >= 500) return 'The server had an error while processing your request. Sorry about that!'
  return 'Invalid request.'
}
