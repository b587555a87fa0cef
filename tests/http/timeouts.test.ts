import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from './answer-harness.js'

/**
 * Over a listening server (socket timeouts only exist there): whatever the model does, the client gets a
 * status and a request id, or an SSE error event, never a cut connection.
 */
async function listen(h: Harness): Promise<string> {
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const addr = h.app.server.address()
  return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`
}

const ask = (base: string, id: string, body: Record<string, unknown> = {}) =>
  fetch(`${base}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': id },
    body: JSON.stringify({ question: 'What was Acme total revenue in fiscal 2022?', ...body }),
  })

describe('a model slower than the old 10 s connection timeout', () => {
  let h: Harness
  let base: string
  beforeAll(async () => {
    h = await startHarness({ chat: true, maxRetries: 2 })
    base = await listen(h)
  })
  afterAll(() => h.close())

  it('answers a model taking 11 s, and one rate limited twice with retry-after: 6', { timeout: 60_000 }, async () => {
    const [slow, limited] = await Promise.all([
      (async () => {
        h.emulator!.state.latencyMs = 11_000
        const res = ask(base, 'r-slow')
        await new Promise((r) => setTimeout(r, 200))
        h.emulator!.state.latencyMs = 0
        return res
      })(),
      (async () => {
        await new Promise((r) => setTimeout(r, 400))
        h.emulator!.failNext({ path: '/chat/completions', status: 429, headers: { 'retry-after': '6' } }, 2)
        return ask(base, 'r-429')
      })(),
    ])
    expect(slow.status).toBe(200)
    expect(slow.headers.get('x-request-id')).toBe('r-slow')
    expect(((await slow.json()) as { mode: string }).mode).toBe('generated')
    expect(limited.status).toBe(200)
    expect(((await limited.json()) as { mode: string }).mode).toBe('generated')
  })
})

describe('deadlines end in a status or an SSE error event', () => {
  let h: Harness
  let base: string
  beforeAll(async () => {
    h = await startHarness({ chat: true, maxRetries: 2, timeoutMs: 1500, env: { RAGTUNE_ANSWER_TIMEOUT_MS: '2500' } })
    base = await listen(h)
  })
  afterAll(() => h.close())

  it('retries past the answer deadline → 504 answer_timeout with the request id', { timeout: 30_000 }, async () => {
    h.emulator!.state.latencyMs = 2000
    try {
      const res = await ask(base, 'r-deadline')
      expect(res.status).toBe(504)
      expect(await res.json()).toMatchObject({ error: { code: 'answer_timeout' }, requestId: 'r-deadline' })
    } finally {
      h.emulator!.state.latencyMs = 0
    }
  })

  it('a stream trickling tokens past the model timeout ends with an error event', { timeout: 30_000 }, async () => {
    h.emulator!.state.chunkDelayMs = 300
    h.emulator!.setResponder(() => 'Acme total revenue was $12,345 million in fiscal 2022 [1]. '.repeat(4))
    try {
      const res = await ask(base, 'r-trickle', { stream: true })
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text).toMatch(/event: token/)
      const error = /event: error\ndata: (.*)\n/.exec(text)?.[1]
      expect(error).toBeDefined()
      expect(JSON.parse(error!)).toMatchObject({ error: { code: 'upstream_timeout' }, requestId: 'r-trickle' })
    } finally {
      h.emulator!.state.chunkDelayMs = 0
    }
  })
})
