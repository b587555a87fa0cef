import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { capture } from '../support/capture-stream.js'
import { probeReady } from '../support/readiness.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { writeFiling } from '../retrieval/filing-fixtures.js'

const MODEL = 'text-embedding-3-small'
let dir: string
let emulator: OpenAIEmulator
let files: string[]
let base: Record<string, string>
let withModel: Record<string, string>

async function cli(args: string[], env: Record<string, string>) {
  const stdout = capture()
  const stderr = capture()
  const code = await main(args, { env, stdout, stderr })
  const lines = stdout
    .text()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { code, lines, stderr: stderr.text() }
}

async function withDeps<T>(env: Record<string, string>, use: (deps: Awaited<ReturnType<typeof buildDeps>>) => Promise<T>): Promise<T> {
  const deps = await buildDeps(loadConfig(env), pino({ level: 'silent' }))
  try {
    return await use(deps)
  } finally {
    await closeDeps(deps)
  }
}

const embeddingCalls = (): number => emulator.requests.filter((r) => r.path.endsWith('/embeddings')).length

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-reembed-'))
  emulator = await startOpenAIEmulator({ models: ['text-embedding-3-small', 'text-embedding-3-large'] })
  files = [
    await writeFiling(dir, { file: 'ZEPHYR_2021_10K.pdf', registrant: 'Zephyr Tools Corporation', year: 2021, capex: '1,577' }),
    await writeFiling(dir, { file: 'ORION_2021_10K.pdf', registrant: 'Orion Foods, Inc.', year: 2021, capex: '2,468' }),
  ]
  base = { RAGTUNE_DATA_DIR: path.join(dir, 'data'), RAGTUNE_INGEST_WORKERS: '0' }
  withModel = { ...base, RAGTUNE_EMBEDDING_MODEL: MODEL, OPENAI_BASE_URL: emulator.url, OPENAI_API_KEY: 'test' }
  // A store built with BM25 only, as before anyone set an embedding model.
  const first = await cli(['ingest', ...files, '--json'], base)
  expect(first.code).toBe(0)
})

afterAll(async () => {
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('a new RAGTUNE_EMBEDDING_MODEL on an existing store', () => {
  it('is reported by /readyz while documents lack its vectors', async () => {
    await withDeps(withModel, async (deps) => {
      const app = await buildApp(deps)
      const ready = (await probeReady(app)).json()
      await app.close()
      expect(ready).toMatchObject({
        status: 'ready',
        documents: 2,
        embeddings: { model: expect.stringMatching(new RegExp(`:${MODEL}$`)), current: 0, stale: 2 },
      })
      expect(ready.embeddings.staleDocuments.sort()).toEqual(['orion_2021_10k', 'zephyr_2021_10k'])
      expect(ready.embeddings.hint).toMatch(/ragtune reembed/)
    })
  })

  it('ragtune reembed adds vectors without new versions, and dense retrieval then uses them', async () => {
    const before = embeddingCalls()
    const r = await cli(['reembed', '--json'], withModel)
    expect(r.code).toBe(0)
    expect(
      r.lines
        .filter((l) => 'documentId' in l)
        .map((l) => [l.documentId, l.status, l.version])
        .sort(),
    ).toEqual([
      ['orion_2021_10k', 'replaced', 1],
      ['zephyr_2021_10k', 'replaced', 1],
    ])
    expect(r.lines.at(-1)).toMatchObject({
      summary: { model: expect.stringMatching(new RegExp(`:${MODEL}$`)), documents: 2, replaced: 2, current: 0 },
    })
    expect(embeddingCalls()).toBeGreaterThan(before)

    await withDeps(withModel, async (deps) => {
      const embeddings = deps.embedder
      if (embeddings === undefined) throw new Error('no embedder')
      const docs = await deps.corpus.listDocuments()
      for (const d of docs) expect(d).toMatchObject({ activeVersion: 1, embeddingModel: embeddings.id })
      const query = 'What is the FY2021 capital expenditure amount for Orion Foods?'
      const hits = await deps.corpus.vectorSearch({ vector: await embeddings.embedQuery(query), model: embeddings.id, limit: 5 })
      expect(new Set(hits.map((h) => h.documentId))).toEqual(new Set(['orion_2021_10k', 'zephyr_2021_10k']))
      // Dense alone (keyword lists weigh nothing) still finds the page: the dense list is what ranks.
      const denseOnly = createHybridRetriever({
        corpus: deps.corpus,
        embeddings,
        logger: deps.logger,
        options: { weights: { question: 0, lexicon: 0, statement: 0 }, statementBoost: 1 },
      })
      const got = await denseOnly.retrieve(query, { topK: 3, filter: { documentIds: ['orion_2021_10k'] } })
      expect(got.sources[0]?.pageStart).toBe(hits.find((h) => h.documentId === 'orion_2021_10k')?.chunk.pageStart)
      const ready = (await probeReady(await buildApp(deps))).json()
      expect(ready.embeddings).toMatchObject({ current: 2, stale: 0 })
    })
  })

  it('is resumable: a second run skips what is done and asks the model nothing', async () => {
    const before = embeddingCalls()
    const r = await cli(['reembed', '--json'], withModel)
    expect(r.lines.at(-1)).toMatchObject({ summary: { replaced: 0, current: 2 } })
    expect(embeddingCalls()).toBe(before)
  })

  it('a re-ingest of the same files afterwards is unchanged (no new version)', async () => {
    const r = await cli(['ingest', ...files, '--json'], withModel)
    expect(r.lines.filter((l) => 'file' in l).map((l) => [l.status, l.version])).toEqual([
      ['unchanged', 1],
      ['unchanged', 1],
    ])
  })

  it('--doc-id re-embeds one document with another model, from the cache when it can', async () => {
    const other = { ...withModel, RAGTUNE_EMBEDDING_MODEL: 'text-embedding-3-large' }
    const r = await cli(['reembed', '--doc-id', 'zephyr_2021_10k', '--json'], other)
    expect(r.lines.at(-1)).toMatchObject({ summary: { replaced: 1 } })
    expect(r.lines.filter((l) => 'documentId' in l)).toEqual([
      expect.objectContaining({ documentId: 'zephyr_2021_10k', status: 'replaced', version: 1 }),
    ])
    await withDeps(other, async (deps) => {
      expect((await deps.corpus.getDocument('zephyr_2021_10k'))?.embeddingModel).toBe(deps.embedder?.id)
      expect((await deps.corpus.getDocument('orion_2021_10k'))?.embeddingModel).toMatch(new RegExp(`:${MODEL}$`))
    })
    // back to the first model: every vector is in the cache by chunk hash, so the model is not asked
    const before = embeddingCalls()
    const back = await cli(['reembed', '--doc-id', 'zephyr_2021_10k', '--json'], withModel)
    expect(back.lines.at(-1)).toMatchObject({ summary: { replaced: 1 } })
    expect(embeddingCalls()).toBe(before)
    const again = await cli(['ingest', files[0] ?? '', '--json'], withModel)
    expect(again.lines[0]).toMatchObject({ status: 'unchanged', version: 1 })
  })

  it('an unknown --doc-id is a clear error and changes nothing', async () => {
    const r = await cli(['reembed', '--doc-id', 'nope', '--json'], withModel)
    expect(r.code).toBe(1)
    expect(r.lines[0]).toMatchObject({ error: { code: 'document_not_found' } })
  })
})
