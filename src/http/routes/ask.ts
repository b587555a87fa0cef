import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Answerer } from '../../core/answer/answerer.js'
import type { Metrics } from '../metrics.js'
import { AnswerSchema, Filters, MAX_QUESTION_CHARS, answerBody, askCollections, errorResponses, toSearchFilter } from '../answer-schemas.js'
import { clientGone, openSse, stoppedBy } from '../sse.js'

const AskBody = Type.Object(
  {
    question: Type.String({ minLength: 1, maxLength: MAX_QUESTION_CHARS }),
    filters: Type.Optional(Filters),
    topK: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    stream: Type.Optional(Type.Boolean()),
    voice: Type.Optional(Type.String({ minLength: 1, description: 'a voice id from GET /v1/models; the active voice when omitted' })),
  },
  { additionalProperties: false },
)

/**
 * POST /v1/ask: a page-cited answer as JSON, or as server-sent events when `stream` is true
 * (`token` events with text, then one `final` event with the checked answer and its citations).
 */
export const askRoutes: FastifyPluginAsyncTypebox<{ answerer: Answerer; metrics: Metrics; deadlineMs?: number }> = async (
  app,
  { answerer, metrics, deadlineMs },
) => {
  app.post(
    '/v1/ask',
    {
      schema: {
        summary: 'Answer a question from the documents, with page citations',
        description:
          'JSON by default. With `stream: true` the response is `text/event-stream`: `event: token` (`{"text"}`) while the answer is written, then `event: final` with the same object the JSON response has (the fact-lock checks apply to it), or `event: error`.',
        body: AskBody,
        response: { 200: AnswerSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { question, filters, topK, stream, voice } = req.body
      const filter = toSearchFilter(filters)
      const collections = askCollections(req, filters)
      const signal = clientGone(reply, deadlineMs)
      const options = {
        signal,
        ...(filter === undefined ? {} : { filter }),
        ...(collections === undefined ? {} : { collections }),
        ...(topK === undefined ? {} : { topK }),
        ...(voice === undefined ? {} : { voice }),
      }
      if (stream !== true) {
        const result = await answerer.ask(question, options).catch((err: unknown) => {
          throw stoppedBy(err, signal)
        })
        metrics.observeAnswer(result, req.log)
        return answerBody(result)
      }
      const events = answerer.askStream(question, options)
      const first = await events.next().catch((err: unknown) => {
        throw stoppedBy(err, signal)
      })
      const sse = openSse(req, reply)
      try {
        for (let e = first; !e.done; e = await events.next()) {
          if (e.value.type === 'token') sse.send(JSON.stringify({ text: e.value.text }), 'token')
          else {
            metrics.observeAnswer(e.value.result, req.log)
            sse.send(JSON.stringify(answerBody(e.value.result)), 'final')
          }
        }
        sse.end()
      } catch (err) {
        sse.fail(stoppedBy(err, signal))
      }
      return reply
    },
  )
}
