import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from '@sinclair/typebox'
import type { Answerer } from '../../core/answer/answerer.js'
import type { AnswerEvent, AnswerResult, Citation } from '../../core/answer/answer-result.js'
import { DEFAULT_VOICE_ID } from '../../core/answer/voice.js'
import type { Metrics } from '../metrics.js'
import { CitationSchema, askCollections, errorResponses, NumberCheckSchema, publicCitation } from '../answer-schemas.js'
import { clientGone, openSse, stoppedBy } from '../sse.js'
import { ChatMessageSchema, readChatRequest } from '../chat-messages.js'

/**
 * OpenAI-compatible chat completions, so chat frontends and the `openai` SDK work unchanged: `model`
 * names a voice (or "ragtune", the active one), the conversation is condensed into a standalone
 * question, and the answer's sources come twice: as footnotes in the content (for any client) and in a
 * `citations` field (for clients that read it). Sampling parameters are accepted and ignored: the
 * answer pipeline owns them.
 */
const ChatBody = Type.Object({
  model: Type.String({ minLength: 1, description: `a voice id from GET /v1/models, or "${DEFAULT_VOICE_ID}" for the active voice` }),
  messages: Type.Array(ChatMessageSchema, { minItems: 1, maxItems: 200 }),
  stream: Type.Optional(Type.Boolean()),
  stream_options: Type.Optional(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })),
  metadata: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description:
        '`{"ragtune_task": "title"}` (or `task`) marks a frontend housekeeping task: relayed to the model without retrieval or sources',
    }),
  ),
})

/** Opt-in marker of a housekeeping task, for frontends whose task prompts ragtune cannot recognise. */
const TASK_HEADER = 'x-ragtune-task'

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

export const chatCompletionRoutes: FastifyPluginAsyncTypebox<{
  answerer: Answerer
  metrics: Metrics
  deadlineMs?: number
  factNotes?: boolean
}> = async (app, { answerer, metrics, deadlineMs, factNotes = true }) => {
  app.post(
    '/v1/chat/completions',
    {
      schema: {
        summary: 'OpenAI-compatible chat completion answered from the documents',
        description:
          'Request and response follow the OpenAI Chat Completions API; streaming sends `chat.completion.chunk` events ending with `data: [DONE]`. Content may be a string or text parts (image parts are refused with `unsupported_content`); system messages are kept as instructions below the fact rules. Sources are appended to the content as footnotes and returned in `citations` (on the final chunk when streaming); numbers the fact-lock found in no source are named in a last footnote line. Frontend housekeeping tasks (title, tags, follow-up suggestions), recognised by their prompt or marked with the `x-ragtune-task` header or `metadata.ragtune_task`, go to the model without retrieval or footnotes.',
        body: ChatBody,
        response: { 200: Completion, ...errorResponses },
      },
    },
    async (req, reply) => {
      const marked =
        typeof req.headers[TASK_HEADER] === 'string' ||
        req.body.metadata?.ragtune_task !== undefined ||
        req.body.metadata?.task !== undefined
      const chat = readChatRequest(req.body.messages, marked)
      const requested = req.body.model
      const collections = askCollections(req, undefined)
      const signal = clientGone(reply, deadlineMs)
      // the key's collections bound retrieval as on /v1/ask
      const voice = {
        ...(requested === DEFAULT_VOICE_ID ? {} : { voice: requested }),
        ...(collections === undefined ? {} : { collections }),
      }
      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`
      const created = Math.floor(Date.now() / 1000)
      // the text after the answer: sources and fact-lock findings; none for a housekeeping task
      const after = (r: AnswerResult): string =>
        chat.kind === 'task' ? '' : footnotes(r.citations) + (factNotes ? factNote(r.unsupportedNumbers) : '')
      const events = (): AsyncGenerator<AnswerEvent, void, undefined> =>
        chat.kind === 'task'
          ? answerer.relayStream(chat.messages, { signal, ...voice })
          : answerer.askStream(chat.question, {
              signal,
              history: chat.history,
              ...voice,
              ...(chat.instructions === undefined ? {} : { instructions: chat.instructions }),
            })

      if (req.body.stream !== true) {
        const result = await (
          chat.kind === 'task'
            ? finalOf(events())
            : answerer.ask(chat.question, {
                signal,
                history: chat.history,
                ...voice,
                ...(chat.instructions === undefined ? {} : { instructions: chat.instructions }),
              })
        ).catch((err: unknown) => {
          throw stoppedBy(err, signal)
        })
        metrics.observeAnswer(result, req.log)
        return {
          id,
          object: 'chat.completion' as const,
          created,
          model: requested,
          choices: [
            {
              index: 0,
              message: { role: 'assistant' as const, content: result.answer + after(result), refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage: usage(result),
          citations: result.citations.map(publicCitation),
          ragtune: checks(result),
        }
      }

      const stream = events()
      const first = await stream.next().catch((err: unknown) => {
        throw stoppedBy(err, signal)
      })
      const sse = openSse(req, reply, 'openai')
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): string =>
        JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: requested,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
          ...extra,
        })
      try {
        sse.send(chunk({ role: 'assistant', content: '' }, null))
        for (let e = first; !e.done; e = await stream.next()) {
          if (e.value.type === 'token') {
            sse.send(chunk({ content: e.value.text }, null))
            continue
          }
          const result = e.value.result
          metrics.observeAnswer(result, req.log)
          const notes = after(result)
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

async function finalOf(events: AsyncGenerator<AnswerEvent, void, undefined>): Promise<AnswerResult> {
  for await (const e of events) if (e.type === 'final') return e.result
  throw new Error('the answer stream ended without a final result')
}

/** A chat reader sees no `ragtune` field: the fact-lock's findings go in the content, one short line. */
export function factNote(unsupportedNumbers: readonly string[]): string {
  return unsupportedNumbers.length === 0 ? '' : `\n\n⚠ not found in the sources: ${unsupportedNumbers.join(', ')}`
}

export function footnotes(citations: readonly Citation[]): string {
  if (citations.length === 0) return ''
  const lines = citations.map((c) => `[${c.n}] ${c.title} (version ${c.version}), ${c.locator}`)
  return `\n\nSources:\n${lines.join('\n')}`
}

function usage(r: AnswerResult): Static<typeof Usage> {
  const p = r.usage?.promptTokens ?? 0
  const c = r.usage?.completionTokens ?? 0
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c }
}

function checks(r: AnswerResult): Static<typeof Checks> {
  return {
    mode: r.mode,
    model: r.model,
    prompt: r.prompt,
    unsupportedNumbers: [...r.unsupportedNumbers],
    checks: [...r.checks],
    removedCitations: [...r.removedCitations],
  }
}
