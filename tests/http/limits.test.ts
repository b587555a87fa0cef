import http from 'node:http'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { startListeningApp, type ListeningApp } from '../support/listening-app.js'
import { startHarness, type Harness } from './answer-harness.js'

describe('failed authentication is rate limited per address', () => {
  let h: Harness
  let key: string
  beforeAll(async () => {
    h = await startHarness()
    key = (await h.keys.create({ scope: 'query' })).key
  })
  afterAll(() => h.close())

  it('answers 429 after 30 wrong or missing keys, even to a right key from that address; other addresses go on', async () => {
    const ask = (auth: string | undefined, ip = '203.0.113.7') =>
      h.app.inject({
        method: 'POST',
        url: '/v1/ask',
        remoteAddress: ip,
        headers: auth === undefined ? {} : { authorization: auth },
        payload: { question: 'revenue' },
      })
    for (let i = 0; i < 30; i++) expect((await ask(i % 2 === 0 ? `Bearer rt_guess${i}` : undefined)).statusCode).toBe(401)
    const refused = await ask('Bearer rt_guess-again')
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ error: { code: 'too_many_auth_failures' } })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect((await ask(`Bearer ${key}`)).statusCode).toBe(429)
    expect((await ask(`Bearer ${key}`, '198.51.100.9')).statusCode).toBe(200)
  })
})

describe('logs and uploads', () => {
  const lines: string[] = []
  let server: ListeningApp
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    server = await startListeningApp({ RAGTUNE_MAX_FILE_MB: '1' }, createLogger({ level: 'info', to: sink }))
  })
  afterAll(() => server.close())

  it('never logs a key sent as ?api_key=', async () => {
    await server.app.inject({ method: 'GET', url: '/v1/documents?api_key=sk-secret-123&x=1' })
    const log = lines.join('')
    expect(log).toContain('api_key=[redacted]')
    expect(log).not.toContain('sk-secret-123')
  })

  it('refuses an upload by its content-length before reading the body', async () => {
    const port = server.port
    const announced = 50 * 1024 * 1024
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/v1/documents',
          headers: { 'content-type': 'multipart/form-data; boundary=XYZ', 'content-length': announced },
        },
        (r) => {
          let body = ''
          r.on('data', (c: Buffer) => (body += c.toString()))
          r.on('end', () => {
            req.destroy()
            resolve({ status: r.statusCode ?? 0, body })
          })
        },
      )
      req.on('error', reject)
      // only the first 64 KB of the announced 50 MB are ever sent
      req.write(`--XYZ\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\n\r\n${'x'.repeat(64 * 1024)}`)
    })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'upload_too_large' }, requestId: expect.any(String) })
  })
})
