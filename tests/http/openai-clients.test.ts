import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { ChatOpenAI } from '@langchain/openai'
import { startHarness, type Harness } from './answer-harness.js'

// Chat frontends point their base URL at ragtune: the official clients must work unchanged, streamed
// and not, over a real listening server, with sources in the content and in the extra field.
const question = 'What were Acme purchases of property, plant and equipment in fiscal 2022?'
const ANSWER = 'Acme spent $1,577 million on property, plant and equipment in 2022 [1].'

describe('OpenAI-compatible clients against ragtune', () => {
  let h: Harness
  let base: string
  let key: string
  beforeAll(async () => {
    h = await startHarness({ chat: true })
    h.emulator!.setResponder((body) => (String(body.messages[0]?.content).startsWith('You rewrite') ? question : ANSWER))
    key = (await h.keys.create({ scope: 'query', name: 'clients' })).key
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    const addr = h.app.server.address()
    base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`
  })
  afterAll(() => h.close())

  it('openai SDK: lists models, then a non-streamed answer with footnotes and citations', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toContain('ragtune')
    const res = await client.chat.completions.create({ model: 'ragtune', messages: [{ role: 'user', content: question }] })
    const content = res.choices[0]?.message.content ?? ''
    expect(content).toBe(`${ANSWER}\n\nSources:\n[1] Acme 2022 Form 10-K (version 1), p. 2`)
    expect(res.usage?.total_tokens).toBeGreaterThan(0)
    const extra = res as unknown as { citations: { n: number; documentId: string; pageStart: number }[]; ragtune: { checks: unknown[] } }
    expect(extra.citations).toEqual([expect.objectContaining({ n: 1, documentId: 'acme-2022-10k', pageStart: 2 })])
    expect(extra.ragtune.checks).toEqual([
      { text: '$1,577 million', verdict: 'quoted', source: 1 },
      { text: '2022', verdict: 'context', source: 1, reason: 'year' },
    ])
  })

  it('openai SDK: a streamed answer ending with footnotes, citations on the final chunk, usage', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })
    const stream = await client.chat.completions.create({
      model: 'ragtune',
      messages: [{ role: 'user', content: question }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let citations: unknown
    let usage = 0
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      if (chunk.choices[0]?.finish_reason === 'stop') citations = (chunk as unknown as { citations: unknown }).citations
      usage += chunk.usage?.total_tokens ?? 0
    }
    expect(text).toBe(`${ANSWER}\n\nSources:\n[1] Acme 2022 Form 10-K (version 1), p. 2`)
    expect(citations).toEqual([expect.objectContaining({ documentId: 'acme-2022-10k', pageStart: 2 })])
    expect(usage).toBeGreaterThan(0)
  })

  it('openai SDK: a conversation is condensed before retrieval; a wrong key is an AuthenticationError', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })
    const before = h.emulator!.requests.length
    const res = await client.chat.completions.create({
      model: 'ragtune',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Tell me about Acme in 2022.' },
        { role: 'assistant', content: 'Acme makes adhesives.' },
        { role: 'user', content: 'How much did they spend on equipment?' },
      ],
    })
    expect(res.choices[0]?.message.content).toContain('Sources:\n[1] Acme 2022 Form 10-K')
    const sent = h.emulator!.requests.slice(before).map((r) => (r.body as { messages: { content: string }[] }).messages[0]?.content ?? '')
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatch(/^You rewrite/)
    const wrong = new OpenAI({ apiKey: 'rt_000000000000_abcdefghijklmnopqrstuvwxyz012345', baseURL: `${base}/v1`, maxRetries: 0 })
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
  })

  it('LangChain ChatOpenAI: invoke and stream', async () => {
    const llm = new ChatOpenAI({ model: 'ragtune', apiKey: key, configuration: { baseURL: `${base}/v1` }, maxRetries: 0, temperature: 0 })
    const msg = await llm.invoke(question)
    expect(msg.content).toBe(`${ANSWER}\n\nSources:\n[1] Acme 2022 Form 10-K (version 1), p. 2`)
    let streamed = ''
    for await (const chunk of await llm.stream(question)) streamed += typeof chunk.content === 'string' ? chunk.content : ''
    expect(streamed).toBe(`${ANSWER}\n\nSources:\n[1] Acme 2022 Form 10-K (version 1), p. 2`)
  })

  it('/v1/ask streams token events, then a final event with citations and checks', async () => {
    const res = await fetch(`${base}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': 'sse-1' },
      body: JSON.stringify({ question, stream: true }),
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('x-request-id')).toBe('sse-1')
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') }))
    const tokens = events.filter((e) => e.event === 'token').map((e) => e.data.text as string)
    expect(tokens.length).toBeGreaterThan(1)
    expect(tokens.join('')).toBe(ANSWER)
    const final = events.at(-1)!
    expect(final.event).toBe('final')
    expect(final.data).toMatchObject({
      mode: 'generated',
      answer: ANSWER,
      unsupportedNumbers: [],
      removedCitations: [],
      prompt: 'answer@2',
    })
    expect(final.data.checks.map((c: { verdict: string }) => c.verdict)).toEqual(['quoted', 'context'])
    expect(final.data.citations[0]).toMatchObject({ documentId: 'acme-2022-10k', pageStart: 2 })
  })

  it('an upstream failure before the first token is a plain HTTP error, even when streaming', async () => {
    h.emulator!.failNext({ path: '/chat/completions', status: 429, headers: { 'retry-after': '3' } })
    const res = await fetch(`${base}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ question, stream: true }),
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('3')
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_rate_limited')
  })

  it('a client that disconnects mid-stream aborts the upstream call', async () => {
    h.emulator!.setResponder(() => Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '))
    h.emulator!.state.chunkDelayMs = 50
    try {
      const aborted = h.emulator!.state.abortedStreams
      const controller = new AbortController()
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'ragtune', messages: [{ role: 'user', content: question }], stream: true }),
        signal: controller.signal,
      })
      const reader = res.body!.getReader()
      await reader.read()
      controller.abort()
      await reader.cancel().catch(() => undefined)
      await expect.poll(() => h.emulator!.state.abortedStreams, { timeout: 10_000 }).toBe(aborted + 1)
    } finally {
      h.emulator!.state.chunkDelayMs = 0
      h.emulator!.setResponder((body) => (String(body.messages[0]?.content).startsWith('You rewrite') ? question : ANSWER))
    }
  })
})
