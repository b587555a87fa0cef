import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorBody } from '../errors.js'

/**
 * Server-sent events on a hijacked reply. The caller has already produced the first event, so errors
 * that happen before any byte (an upstream 429) still get a proper HTTP status from the error handler;
 * errors after that arrive as an `error` event carrying the request id.
 */
export interface SseWriter {
  send(data: string, event?: string): void
  end(): void
  fail(err: unknown): void
  readonly closed: boolean
}

/** `named`: errors as `event: error`; `openai`: as a `data: {"error":…}` line, which the openai SDK raises. */
export function openSse(req: FastifyRequest, reply: FastifyReply, errorStyle: 'named' | 'openai' = 'named'): SseWriter {
  reply.hijack()
  const raw = reply.raw
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies (nginx) buffer responses unless told not to, which would defeat streaming.
    'x-accel-buffering': 'no',
  })
  return {
    send(data, event) {
      if (raw.destroyed) return
      raw.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`)
    },
    end() {
      if (!raw.destroyed) raw.end()
    },
    fail(err) {
      const known = errorBody(err)
      const body = known.code === 'internal' ? { code: 'internal', message: 'internal error; the request id is in the logs' } : known
      if (body.code === 'internal') req.log.error({ err }, 'stream failed')
      else req.log.warn({ err }, 'stream failed')
      const event = errorStyle === 'named' ? 'event: error\n' : ''
      if (!raw.destroyed) raw.end(`${event}data: ${JSON.stringify({ error: body, requestId: req.id })}\n\n`)
    },
    get closed() {
      return raw.destroyed
    },
  }
}

/**
 * An AbortSignal that fires when the client goes away before the response is complete, or when the
 * answer's overall deadline (`deadlineMs`) passes. The deadline is shorter than the server's socket
 * timeouts (app.ts), so a slow model ends in a 504 or an SSE `error` event with the request id, never in a
 * connection cut with no status.
 */
export function clientGone(reply: FastifyReply, deadlineMs?: number): AbortSignal {
  const controller = new AbortController()
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          controller.abort(
            new AppError(
              'answer_timeout',
              `no complete answer within ${Math.round(deadlineMs / 1000)} s (the model is slow or rate limited); retry later`,
              {
                status: 504,
                retryable: true,
              },
            ),
          )
        }, deadlineMs)
  reply.raw.once('close', () => {
    clearTimeout(timer)
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'))
  })
  return controller.signal
}

/** The error to report: the deadline's own when the signal fired for it (the SDK reports any abort alike). */
export function stoppedBy(err: unknown, signal: AbortSignal): unknown {
  return signal.aborted && signal.reason instanceof AppError ? signal.reason : err
}
