import { describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { openAIEmulatorPerSuite } from './emulator-client.js'

// The emulator is only useful if the real SDK accepts what it says: check that with the SDK itself.
describe('OpenAI emulator speaks the protocol the openai SDK expects', () => {
  const suite = openAIEmulatorPerSuite()

  it('answers chat completions, streamed and not', async () => {
    suite.emu.setResponder(() => 'Revenue was $5 billion [1].')
    const res = await suite.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    expect(res.choices[0]?.message.content).toBe('Revenue was $5 billion [1].')
    const stream = await suite.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let usage = 0
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      usage += chunk.usage?.total_tokens ?? 0
    }
    expect(text).toBe('Revenue was $5 billion [1].')
    expect(usage).toBeGreaterThan(0)
  })

  it('returns base64 embeddings the SDK decodes, deterministic per text', async () => {
    const res = await suite.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['capital expenditure', 'capital expenditure', 'dividends'],
    })
    expect(res.data).toHaveLength(3)
    expect(res.data[0]?.embedding).toHaveLength(64)
    expect(res.data[0]?.embedding).toEqual(res.data[1]?.embedding)
    expect(res.data[0]?.embedding).not.toEqual(res.data[2]?.embedding)
  })

  it('fails with OpenAI error bodies the SDK maps to its error classes', async () => {
    suite.emu.failNext({ path: '/chat/completions', status: 429, headers: { 'retry-after': '7' } })
    const err = await suite.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.RateLimitError)
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7')
    const missing = await suite.client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    const bad = new OpenAI({ apiKey: 'wrong', baseURL: suite.emu.url, maxRetries: 0 })
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
  })
})
