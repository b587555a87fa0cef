import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * The one pino logger. Secrets never reach a log line: authorization headers and any `apiKey` field are
 * redacted, and errors are reduced to whitelisted fields (SDK errors can carry headers and prompts).
 */
export function createLogger(options: { level: string; to?: 'stdout' | 'stderr' | pino.DestinationStream }): Logger {
  const to = options.to ?? 'stderr'
  const destination = typeof to === 'string' ? pino.destination({ dest: to === 'stdout' ? 1 : 2, sync: false }) : to
  return pino(
    {
      level: options.level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'headers.authorization',
          '*.apiKey',
          'apiKey',
          '*.api_key',
        ],
        censor: '[redacted]',
      },
      serializers: { err: serializeError, error: serializeError, req: serializeRequest },
    },
    destination,
  )
}

/** Query parameters whose values are secrets (a key sent as `?api_key=` must not land in the log). */
const SECRET_PARAM = /([?&](?:api[_-]?key|key|token|access[_-]?token|auth|password)=)[^&#]*/gi

/** A request as its log line shows it: method, URL with secrets masked, client address. */
function serializeRequest(req: { method?: string; url?: string; ip?: string; hostname?: string }): Record<string, unknown> {
  return { method: req.method, url: req.url?.replace(SECRET_PARAM, '$1[redacted]'), host: req.hostname, remoteAddress: req.ip }
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) }
  const e = err as Error & { code?: unknown; status?: unknown; type?: unknown }
  const out: Record<string, unknown> = { type: e.name, message: e.message }
  if (e.code !== undefined) out.code = e.code
  if (e.status !== undefined) out.status = e.status
  if (e.stack !== undefined) out.stack = e.stack
  if (e.cause instanceof Error) out.cause = serializeError(e.cause)
  return out
}
