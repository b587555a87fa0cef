import { describe, expect, it } from 'vitest'
import { harnessPerSuite, startHarness } from './answer-harness.js'

const question = 'What were Acme purchases of property, plant and equipment in 2022?'

describe('POST /v1/ask (extractive, no model configured)', () => {
  const h = harnessPerSuite()

  it('answers with citations, the request id echoed', async () => {
    const res = await h().app.inject({ method: 'POST', url: '/v1/ask', payload: { question }, headers: { 'x-request-id': 'req-123' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['x-request-id']).toBe('req-123')
    const body = res.json()
    expect(body).toMatchObject({ mode: 'extractive', model: null, prompt: 'extractive@1', unsupportedNumbers: [], usage: null })
    // every number of the quoted statement row has a verdict, and none is unsupported
    expect(body.checks.length).toBeGreaterThan(0)
    expect(body.checks.every((c: { verdict: string }) => c.verdict === 'quoted' || c.verdict === 'context')).toBe(true)
    expect(body.citations[0]).toMatchObject({
      documentId: 'acme-2022-10k',
      version: 1,
      title: 'Acme 2022 Form 10-K',
      pageStart: 2,
      pageEnd: 2,
    })
    expect(Object.keys(body.timings).sort()).toEqual(['modelMs', 'retrievalMs', 'totalMs'])
  })

  it('honours filters', async () => {
    const res = await h().app.inject({
      method: 'POST',
      url: '/v1/ask',
      payload: { question: 'revenue', filters: { documentIds: ['beta-2023-ar'] } },
    })
    expect(res.json().citations.every((c: { documentId: string }) => c.documentId === 'beta-2023-ar')).toBe(true)
  })

  it('rejects bad input with a stable code', async () => {
    for (const payload of [{}, { question: '' }, { question: 'x', topK: 0 }, { question: 'x', extra: 1 }]) {
      const res = await h().app.inject({ method: 'POST', url: '/v1/ask', payload })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('invalid_request')
    }
  })

  it('takes JSON bodies as typed: a number where text belongs, or text where a number belongs, is a 400', async () => {
    for (const payload of [
      { question: 123 },
      { question: 'revenue', topK: '5' },
      { question: 'revenue', stream: 'true' },
      { question: ['revenue'] },
    ]) {
      const res = await h().app.inject({ method: 'POST', url: '/v1/ask', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json()).toMatchObject({ error: { code: 'invalid_request' }, requestId: expect.any(String) })
    }
    // the same values typed right are answered
    const ok = await h().app.inject({ method: 'POST', url: '/v1/ask', payload: { question: 'revenue', topK: 5 } })
    expect(ok.statusCode).toBe(200)
  })
})

describe('POST /v1/ask with a chat model: upstream failures', () => {
  const h = harnessPerSuite({ chat: true, timeoutMs: 400 })

  const post = (id: string) => h().app.inject({ method: 'POST', url: '/v1/ask', payload: { question }, headers: { 'x-request-id': id } })

  it('upstream 429 → 503 upstream_rate_limited with retry-after and the request id', async () => {
    h().emulator!.failNext({ path: '/chat/completions', status: 429, headers: { 'retry-after': '7' } })
    const res = await post('r-429')
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('7')
    expect(res.json()).toEqual({ error: { code: 'upstream_rate_limited', message: expect.any(String) }, requestId: 'r-429' })
  })

  it('upstream 5xx → 502 upstream_error; a dropped connection too', async () => {
    h().emulator!.failNext({ path: '/chat/completions', status: 500 })
    const res = await post('r-500')
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ error: { code: 'upstream_error' }, requestId: 'r-500' })
    h().emulator!.failNext({ path: '/chat/completions', status: 0, disconnect: true })
    const dropped = await post('r-drop')
    expect(dropped.statusCode).toBe(502)
    expect(dropped.json()).toMatchObject({ error: { code: 'upstream_error' }, requestId: 'r-drop' })
  })

  it('slow upstream → 504 upstream_timeout', async () => {
    h().emulator!.state.latencyMs = 1500
    try {
      const res = await post('r-slow')
      expect(res.statusCode).toBe(504)
      expect(res.json()).toMatchObject({ error: { code: 'upstream_timeout' }, requestId: 'r-slow' })
    } finally {
      h().emulator!.state.latencyMs = 0
    }
  })

  it('upstream 4xx → upstream_rejected', async () => {
    h().emulator!.failNext({ path: '/chat/completions', status: 400, message: 'context too long' })
    const res = await post('r-400')
    expect(res.json()).toMatchObject({ error: { code: 'upstream_rejected' }, requestId: 'r-400' })
  })

  it('unknown voice → 404 unknown_model', async () => {
    const res = await h().app.inject({ method: 'POST', url: '/v1/ask', payload: { question, voice: 'nobody' } })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('unknown_model')
  })
})

describe('retries', () => {
  it('retries upstream 5xx with backoff (the SDK retry) and then answers', async () => {
    const h = await startHarness({ chat: true, maxRetries: 1 })
    try {
      h.emulator!.setResponder(() => 'Capex was $1,577 million [1].')
      h.emulator!.failNext({ path: '/chat/completions', status: 503 })
      const res = await h.app.inject({ method: 'POST', url: '/v1/ask', payload: { question } })
      expect(res.statusCode).toBe(200)
      expect(res.json().answer).toBe('Capex was $1,577 million [1].')
      expect(h.emulator!.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(2)
    } finally {
      await h.close()
    }
  })
})
