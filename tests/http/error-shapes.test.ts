import http from 'node:http'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startListeningApp, type ListeningApp } from '../support/listening-app.js'
import { postDocuments, waitForIngestion } from '../support/multipart.js'
import { harnessPerSuite } from './answer-harness.js'

const SHAPE = { error: { code: expect.any(String), message: expect.any(String) }, requestId: expect.any(String) }

function rawRequest(port: number, lines: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'GET', path: '/v1/documents', headers: { 'x-big': lines } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('every error in {error:{code,message},requestId}', () => {
  let server: ListeningApp
  let app: FastifyInstance
  let dir: string
  beforeAll(async () => {
    server = await startListeningApp()
    app = server.app
    dir = server.dir
  })
  afterAll(() => server.close())

  it('a URL that does not decode', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/documents/%' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ ...SHAPE, error: { code: 'bad_url' }, requestId: res.headers['x-request-id'] })
  })

  it('ids up to 128 characters reach the route; longer ones are 414 in shape', async () => {
    const ok = await app.inject({ method: 'GET', url: `/v1/documents/${'a'.repeat(128)}` })
    expect(ok.statusCode).toBe(404)
    expect(ok.json()).toMatchObject({ error: { code: 'document_not_found' } })
    const del = await app.inject({ method: 'DELETE', url: `/v1/documents/${'b'.repeat(120)}` })
    expect(del.json()).toMatchObject({ error: { code: 'document_not_found' } })
    const long = await app.inject({ method: 'GET', url: `/v1/documents/${'a'.repeat(129)}` })
    expect(long.statusCode).toBe(414)
    expect(long.json()).toMatchObject({ ...SHAPE, error: { code: 'uri_too_long' } })
  })

  it('headers too large: 431 in shape, from Node itself', async () => {
    const res = await rawRequest(server.port, 'x'.repeat(20_000))
    expect(res.status).toBe(431)
    expect(JSON.parse(res.body)).toMatchObject({ ...SHAPE, error: { code: 'headers_too_large' } })
  })

  it.each([
    [
      'truncated',
      'multipart/form-data; boundary=XYZ',
      '--XYZ\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello',
    ],
    [
      'a boundary that does not match',
      'multipart/form-data; boundary=XYZ',
      '--ABC\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--ABC--\r\n',
    ],
    ['empty', 'multipart/form-data; boundary=XYZ', ''],
  ])('malformed multipart (%s) → 400 invalid_multipart or no_files', async (_what, type, body) => {
    const res = await app.inject({ method: 'POST', url: '/v1/documents', headers: { 'content-type': type }, payload: body })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject(SHAPE)
    expect(['invalid_multipart', 'no_files']).toContain(res.json<{ error: { code: string } }>().error.code)
  })

  it('a 5,000-character file name is ingested under a short name, and no path leaks', async () => {
    const res = await postDocuments(app, [{ name: `${'n'.repeat(5000)}.txt`, data: 'Gamma Corp revenue was 5 million.\n' }])
    expect(res.statusCode).toBe(202)
    const job = await waitForIngestion(app, res.json<{ jobId: string }>().jobId, { everyMs: 25, tries: 200 })
    expect(job.results[0]).toMatchObject({ status: 'ingested' })
    expect(JSON.stringify(job)).not.toContain(dir)
  })
})

describe('upstream faults → 502 with a generic message', () => {
  const h = harnessPerSuite({ chat: true })
  const ask = (stream = false) =>
    h().app.inject({
      method: 'POST',
      url: '/v1/ask',
      payload: { question: 'What was Acme total revenue in fiscal 2022?', ...(stream ? { stream } : {}) },
    })
  const sseError = (body: string) =>
    JSON.parse(/(?:event: error\n)?data: (\{"error".*)\n/.exec(body)?.[1] ?? 'null') as { error: { code: string; message: string } } | null

  it('an HTML page with status 200', async () => {
    h().emulator!.failNext({
      path: '/chat/completions',
      status: 200,
      raw: { contentType: 'text/html', body: '<html><body>Bad gateway sk-up***</body></html>' },
    })
    const res = await ask()
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ ...SHAPE, error: { code: 'upstream_invalid' } })
    h().emulator!.failNext({ path: '/chat/completions', status: 200, raw: { contentType: 'text/html', body: '<html>proxy</html>' } })
    const streamed = await ask(true)
    expect(streamed.statusCode).toBe(502)
    expect(streamed.json()).toMatchObject({ error: { code: 'upstream_invalid' } })
  })

  it('choices: [] is not an empty answer', async () => {
    h().emulator!.failNext({ path: '/chat/completions', status: 200, emptyChoices: true })
    expect((await ask()).statusCode).toBe(502)
    h().emulator!.failNext({ path: '/chat/completions', status: 200, emptyChoices: true })
    const streamed = await ask(true)
    expect(streamed.statusCode).toBe(502)
    expect(streamed.json()).toMatchObject({ error: { code: 'upstream_invalid' } })
  })

  it.each(['reset', 'malformed'] as const)('a stream that breaks (%s) ends with an error event, not internal', async (kind) => {
    h().emulator!.failNext({ path: '/chat/completions', status: 200, brokenStream: kind })
    const res = await ask(true)
    const err = sseError(res.body)
    expect(err?.error.code).toMatch(/^upstream_(invalid|error)$/)
  })

  it('never echoes upstream error text', async () => {
    // the next chat call upstream fails with this status and message
    const askWhenUpstreamSays = (status: number, message: string) => {
      h().emulator!.failNext({ path: '/chat/completions', status, message })
      return ask()
    }
    const res = await askWhenUpstreamSays(401, 'Incorrect API key provided: sk-up***abcd. Prompt was: secret question')
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ error: { code: 'upstream_unauthorized' } })
    expect(res.body).not.toMatch(/sk-|secret question|Incorrect/)
    const bad = await askWhenUpstreamSays(400, 'This model maximum context length is 8192 tokens: the prompt said secret question')
    expect(bad.statusCode).toBe(502)
    expect(bad.body).not.toMatch(/secret question/)
  })
})
