import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOpenAIEmbeddings } from '../../src/adapters/openai-embeddings.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { AppError } from '../../src/errors.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { createIngestEnv } from '../support/ingest-env.js'

describe('OpenAI-compatible embeddings adapter', () => {
  let emu: OpenAIEmulator
  const model = (over: Partial<Parameters<typeof createOpenAIEmbeddings>[0]> = {}) =>
    createOpenAIEmbeddings({
      model: 'text-embedding-3-small',
      baseURL: emu.url,
      apiKey: 'sk-test',
      dimensions: undefined,
      timeoutMs: 10_000,
      maxRetries: 2,
      ...over,
    })
  const embeddingCalls = (): { input: string[] }[] =>
    emu.requests.filter((r) => r.path.endsWith('/embeddings')).map((r) => r.body as { input: string[] })

  beforeAll(async () => {
    emu = await startOpenAIEmulator({ apiKey: 'sk-test' })
  })
  afterAll(() => emu.close())

  it('batches by maxBatchSize, keeps order and returns unit vectors with a provider:model id', async () => {
    const m = model({ maxBatchSize: 2 })
    const before = embeddingCalls().length
    const texts = ['net sales', 'capital expenditure', 'dividends paid', 'net sales', 'free cash flow']
    const vectors = await m.embedDocuments(texts)
    expect(embeddingCalls().length - before).toBe(3)
    expect(vectors).toHaveLength(5)
    expect(m.dimensions).toBe(64)
    expect(m.id).toMatch(/^127\.0\.0\.1:\d+:text-embedding-3-small$/)
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5)
    expect(Array.from(vectors[0]!)).toEqual(Array.from(vectors[3]!))
    expect(Array.from(await m.embedQuery('net sales'))).toEqual(Array.from(vectors[0]!))
  })

  it('retries 429 and 5xx (honouring retry-after) and then succeeds', async () => {
    emu.failNext({ path: '/embeddings', status: 429, headers: { 'retry-after': '0', 'retry-after-ms': '20' } })
    emu.failNext({ path: '/embeddings', status: 503 })
    const before = embeddingCalls().length
    const [v] = await model().embedDocuments(['retry me'])
    expect(v).toHaveLength(64)
    expect(embeddingCalls().length - before).toBe(3)
  })

  it('maps exhausted retries, rejections and aborts to stable AppErrors', async () => {
    emu.failNext({ path: '/embeddings', status: 429, headers: { 'retry-after-ms': '10', 'retry-after': '7' } }, 3)
    const limited = await model()
      .embedDocuments(['x'])
      .catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(AppError)
    expect(limited).toMatchObject({ code: 'upstream_rate_limited', status: 503, retryable: true })
    emu.failNext({ path: '/embeddings', status: 400, message: 'bad input' })
    await expect(model().embedDocuments(['x'])).rejects.toMatchObject({ code: 'upstream_rejected' })
    const wrongKey = model({ apiKey: 'nope', maxRetries: 0 })
    await expect(wrongKey.embedDocuments(['x'])).rejects.toMatchObject({ code: 'upstream_unauthorized', status: 502 })
    const controller = new AbortController()
    controller.abort()
    await expect(model().embedDocuments(['x'], controller.signal)).rejects.toMatchObject({ code: 'aborted' })
  })

  it('in the pipeline: stores vectors with the model id and embeds only chunks not in the cache', async () => {
    const embedder = model({ maxBatchSize: 16 })
    const env = createIngestEnv({ embedder, workers: 0, chunking: { maxTokens: 40, overlapTokens: 0 } })
    try {
      const paragraphs = Array.from({ length: 8 }, (_, i) => `Paragraph ${i}: widgets shipped to region ${i} grew steadily this year.`)
      const file = env.write('memo.txt', paragraphs.join('\n\n'))
      const before = embeddingCalls().flatMap((c) => c.input).length
      const first = await ingestPaths(env.deps, [file])
      expect(first.results[0]).toMatchObject({ status: 'ingested', version: 1 })
      const chunks = first.results[0]!.chunks
      expect(embeddingCalls().flatMap((c) => c.input).length - before).toBe(chunks)
      expect((await env.deps.corpus.getDocument('memo'))?.embeddingModel).toBe(embedder.id)

      const hits = await env.deps.corpus.vectorSearch({
        vector: await embedder.embedQuery('widgets shipped to region 3'),
        model: embedder.id,
        limit: 3,
      })
      expect(hits.length).toBeGreaterThan(0)
      expect(hits[0]?.chunk.text).toContain('region 3')

      // One paragraph changes: only its chunk goes to the model again.
      paragraphs[5] = 'Paragraph 5: a completely different sentence about pension costs.'
      env.write('memo.txt', paragraphs.join('\n\n'))
      const mid = embeddingCalls().flatMap((c) => c.input).length
      const second = await ingestPaths(env.deps, [file])
      expect(second.results[0]).toMatchObject({ status: 'ingested', version: 2 })
      const sent = embeddingCalls()
        .flatMap((c) => c.input)
        .slice(mid)
      expect(sent).toHaveLength(1)
      expect(sent[0]).toContain('pension costs')
    } finally {
      await env.close()
    }
  })
})
