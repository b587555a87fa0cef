import { createRequire } from 'node:module'
import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * The one pino logger. Secrets never reach a log line: authorization headers and any `apiKey` field are
 * redacted, and errors are reduced to whitelisted fields (SDK errors can carry headers and prompts).
 */
export function createLogger(options: {
  level: string
  to?: 'stdout' | 'stderr' | pino.DestinationStream
  /** human-readable lines (pino-pretty); default: when that stream is a terminal (RAGTUNE_PRETTY_LOGS overrides) */
  pretty?: boolean | undefined
}): Logger {
  const to = options.to ?? 'stderr'
  const fd = to === 'stdout' ? 1 : 2
  const pretty = typeof to === 'string' && (options.pretty ?? (fd === 1 ? process.stdout : process.stderr).isTTY === true)
  const destination = typeof to !== 'string' ? to : pretty ? prettyStream(fd) : pino.destination({ dest: fd, sync: false })
  return pino(
    {
      level: options.level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', '*.apiKey', 'apiKey', '*.api_key'],
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

/**
 * pino-pretty as a stream in this thread (no transport worker), loaded with the first line it prints: a
 * command on a terminal that logs nothing (most do not, at the CLI's `warn` level) never loads it.
 */
function prettyStream(fd: number): pino.DestinationStream {
  let pretty: pino.DestinationStream | undefined
  return {
    write(line: string) {
      if (pretty === undefined) {
        const pinoPretty = createRequire(import.meta.url)('pino-pretty') as (o: Record<string, unknown>) => pino.DestinationStream
        pretty = pinoPretty({ destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true })
      }
      pretty.write(line)
    },
  }
}
