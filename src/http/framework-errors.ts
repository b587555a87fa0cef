import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Errors Fastify and Node answer before any route runs, in the same `{error:{code,message},requestId}`
 * shape as every other error: a URL that does not decode (`/v1/documents/%`), a path parameter longer
 * than the longest id (414), headers too large (431) or a request Node's parser rejects.
 */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400
  const code = err.code === 'FST_ERR_BAD_URL' ? 'bad_url' : status === 414 ? 'uri_too_long' : 'bad_request'
  const message =
    code === 'bad_url'
      ? 'the URL does not decode; percent-encode "%" as %25 and other reserved characters'
      : status === 414
        ? 'the URL or an id in it is too long; ids have at most 128 characters'
        : err.message
  void reply.header('x-request-id', req.id).status(status).send({ error: { code, message }, requestId: req.id })
}

const CLIENT_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message: 'the request headers are too large (16 KB at most); send fewer or shorter headers',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'the request was not received in time; retry' },
}

/** Node's parser rejected the bytes: there is no request object, so the id is made here (and logged by nobody). */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const known = CLIENT_ERRORS[err.code ?? ''] ?? { status: 400, code: 'bad_request', message: 'the request is not valid HTTP' }
  const body = JSON.stringify({ error: { code: known.code, message: known.message }, requestId: randomUUID() })
  socket.end(
    `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
}
