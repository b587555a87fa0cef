import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from '@sinclair/typebox'
import type { Answerer } from '../../core/answer/answerer.js'
import type { AnswerResult, Citation } from '../../core/answer/answer-result.js'
import type { ChatMessage } from '../../core/models.js'
import { DEFAULT_VOICE_ID } from '../../core/answer/voice.js'
import { AppError } from '../../errors.js'
import { pageSpan } from '../../core/answer/context.js'
import type { Metrics } from '../metrics.js'
import { CitationSchema, askCollections, errorResponses, NumberCheckSchema, publicCitation } from '../answer-schemas.js'
import { clientGone, openSse, stoppedBy } from '../sse.js'

/**
 * OpenAI-compatible chat completions, so chat frontends and the `openai` SDK work unchanged: `model`
 * names a voice (or "ragtune", the active one), the conversation is condensed into a standalone
 * question, and the answer's sources come twice: as footnotes in the content (for any client) and in a
 * `citations` field (for clients that read it). Sampling parameters are accepted and ignored: the
 * answer pipeline owns them.
 */
const ContentPart = Type.Object({ type: Type.String(), text: Type.Optional(Type.String()) })
const Message = Type.Object({
  role: Type.String({ minLength: 1 }),
  content: Type.Union([Type.String(), Type.Null(), Type.Array(ContentPart)]),
})
const ChatBody = Type.Object({
  model: Type.String({ minLength: 1, description: `a voice id from GET /v1/models, or "${DEFAULT_VOICE_ID}" for the active voice` }),
  messages: Type.Array(Message, { minItems: 1, maxItems: 200 }),
  stream: Type.Optional(Type.Boolean()),
  stream_options: Type.Optional(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })),
})

const Usage = Type.Object({ prompt_tokens: Type.Integer(), completion_tokens: Type.Integer(), total_tokens: Type.Integer() })
const Checks = Type.Object({
  mode: Type.String(),
  model: Type.Union([Type.String(), Type.Null()]),
  prompt: Type.String(),
  unsupportedNumbers: Type.Array(Type.String()),
  checks: Type.Array(NumberCheckSchema),
  removedCitations: Type.Array(Type.Integer()),
})
const Completion = Type.Object({
  id: Type.String(),
  object: Type.Literal('chat.completion'),
  created: Type.Integer(),
  model: Type.String(),
  choices: Type.Array(
    Type.Object({
      index: Type.Integer(),
      message: Type.Object({ role: Type.Literal('assistant'), content: Type.String(), refusal: Type.Null() }),
      finish_reason: Type.String(),
      logprobs: Type.Null(),
    }),
  ),
  usage: Usage,
  citations: Type.Array(CitationSchema),
  ragtune: Checks,
})

export const chatCompletionRoutes: FastifyPluginAsyncTypebox<{ answerer: Answerer; metrics: Metrics; deadlineMs?: number }> = async (app, { answerer, metrics, deadlineMs }) => {
  app.post(
    '/v1/chat/completions',
    {
      schema: {
        summary: 'OpenAI-compatible chat completion answered from the documents',
        description:
          'Request and response follow the OpenAI Chat Completions API; streaming sends `chat.completion.chunk` events ending with `data: [DONE]`. Sources are appended to the content as footnotes and returned in `citations` (on the final chunk when streaming).',
        body: ChatBody,
        response: { 200: Completion, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { question, history } = conversation(req.body.messages)
      const requested = req.body.model
      const collections = askCollections(req, undefined)
      const signal = clientGone(reply, deadlineMs)
      const options = {
        signal,
        history,
        ...(collections === undefined ? {} : { collections }),
        ...(requested === DEFAULT_VOICE_ID ? {} : { voice: requested }),
      }
      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`
      const created = Math.floor(Date.now() / 1000)

      if (req.body.stream !== true) {
        const result = await answerer.ask(question, options).catch((err: unknown) => {
          throw stoppedBy(err, signal)
        })
        metrics.observeAnswer(result, req.log)
        return {
          id,
          object: 'chat.completion' as const,
          created,
          model: requested,
          choices: [
            { index: 0, message: { role: 'assistant' as const, content: result.answer + footnotes(result.citations), refusal: null }, finish_reason: 'stop', logprobs: null },
          ],
          usage: usage(result),
          citations: result.citations.map(publicCitation),
          ragtune: checks(result),
        }
      }

      const events = answerer.askStream(question, options)
      const first = await events.next().catch((err: unknown) => {
        throw stoppedBy(err, signal)
      })
      const sse = openSse(req, reply, 'openai')
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): string =>
        JSON.stringify({ id, object: 'chat.completion.chunk', created, model: requested, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })
      try {
        sse.send(chunk({ role: 'assistant', content: '' }, null))
        for (let e = first; !e.done; e = await events.next()) {
          if (e.value.type === 'token') {
            sse.send(chunk({ content: e.value.text }, null))
            continue
          }
          const result = e.value.result
          metrics.observeAnswer(result, req.log)
          const notes = footnotes(result.citations)
          if (notes !== '') sse.send(chunk({ content: notes }, null))
          sse.send(chunk({}, 'stop', { citations: result.citations.map(publicCitation), ragtune: checks(result) }))
          if (req.body.stream_options?.include_usage === true) {
            sse.send(JSON.stringify({ id, object: 'chat.completion.chunk', created, model: requested, choices: [], usage: usage(result) }))
          }
        }
        sse.send('[DONE]')
        sse.end()
      } catch (err) {
        sse.fail(stoppedBy(err, signal))
      }
      return reply
    },
  )
}

/** The last user message is the question; everything before it is history. */
function conversation(messages: Static<typeof ChatBody>['messages']): { question: string; history: ChatMessage[] } {
  const turns: ChatMessage[] = []
  for (const m of messages) {
    if (m.role !== 'user' && m.role !== 'assistant') continue
    const content = typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join('\n')
    turns.push({ role: m.role, content })
  }
  const last = turns.at(-1)
  if (last?.role !== 'user' || last.content.trim() === '') {
    throw new AppError('invalid_request', 'the last message must be a non-empty user message: it is the question to answer')
  }
  return { question: last.content, history: turns.slice(0, -1) }
}

export function footnotes(citations: readonly Citation[]): string {
  if (citations.length === 0) return ''
  const lines = citations.map((c) => `[${c.n}] ${c.title} (version ${c.version}), p. ${pageSpan(c.pageStart, c.pageEnd)}`)
  return `\n\nSources:\n${lines.join('\n')}`
}

function usage(r: AnswerResult): Static<typeof Usage> {
  const p = r.usage?.promptTokens ?? 0
  const c = r.usage?.completionTokens ?? 0
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c }
}

function checks(r: AnswerResult): Static<typeof Checks> {
  return { mode: r.mode, model: r.model, prompt: r.prompt, unsupportedNumbers: [...r.unsupportedNumbers], checks: [...r.checks], removedCitations: [...r.removedCitations] }
}
