import { describe, expect, it } from 'vitest'
import { harnessPerSuite } from './answer-harness.js'

describe('OpenAPI document and metrics', () => {
  const h = harnessPerSuite()

  it('documents every answer route with body and response schemas, and bearer security', async () => {
    const res = await h().app.inject({ method: 'GET', url: '/docs/json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    const ask = doc.paths['/v1/ask'].post
    expect(ask.requestBody.content['application/json'].schema.required).toContain('question')
    expect(Object.keys(ask.responses)).toEqual(expect.arrayContaining(['200', '4XX', '5XX']))
    expect(ask.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/v1/chat/completions'].post.responses['200']).toBeDefined()
    expect(doc.paths['/v1/models'].get.responses['200']).toBeDefined()
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect((await h().app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400)
  })

  it('serves the browser pages (console, its files, the OpenAPI UI) with their types, HEAD, 304 and our 404', async () => {
    const page = await h().app.inject({ method: 'GET', url: '/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['x-request-id']).toBeDefined()
    expect(page.body).toContain('<html')
    const css = await h().app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' })
    expect(css.statusCode).toBe(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
    expect(Number(css.headers['content-length'])).toBe(css.rawPayload.length)
    const again = await h().app.inject({
      method: 'GET',
      url: '/docs/static/swagger-ui.css',
      headers: { 'if-none-match': String(css.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
    expect(again.rawPayload.length).toBe(0)
    const head = await h().app.inject({ method: 'HEAD', url: '/console/app.js' })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-type']).toMatch(/^application\/javascript/)
    expect(head.rawPayload.length).toBe(0)
    const vendor = await h().app.inject({ method: 'GET', url: '/console/vendor/preact.mjs' })
    expect(vendor.statusCode).toBe(200)
    expect(vendor.headers['content-type']).toMatch(/^text\/javascript/)
    const missing = await h().app.inject({ method: 'GET', url: '/console/no-such-file.js' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' }, requestId: missing.headers['x-request-id'] })
  })

  it('exposes request, retrieval and answer metrics', async () => {
    await h().app.inject({ method: 'POST', url: '/v1/ask', payload: { question: 'Acme revenue 2022' } })
    const res = await h().app.inject({ method: 'GET', url: '/metrics' })
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.body).toMatch(/ragtune_http_request_duration_seconds_count\{method="POST",route="\/v1\/ask",status="200"\} 1/)
    expect(res.body).toMatch(/ragtune_retrieval_duration_seconds_count 1/)
    expect(res.body).toMatch(/ragtune_answers_total\{mode="extractive"\} 1/)
  })

  it('refuses bodies over the limit with a stable code', async () => {
    const big = 'x'.repeat(h().config.server.bodyLimitBytes + 10)
    const res = await h().app.inject({ method: 'POST', url: '/v1/ask', payload: { question: big } })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('body_too_large')
  })
})
