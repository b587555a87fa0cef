import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { freshSchema } from './scale-fixtures.js'
import { scaledEnv, startReplica, type Replica } from './replica.js'

/**
 * Two API instances in one process, built by the real composition root from configuration, sharing one
 * PostgreSQL database (catalog, jobs, keys, voices) and one Pinecone index (the emulator, with write lag).
 */
type Instance = Replica

interface AskBody {
  answer: string
  model: string | null
  voice: string | null
  citations: { documentId: string; version: number; snippet: string }[]
}

let db: Awaited<ReturnType<typeof freshSchema>>
let pinecone: PineconeEmulator
let openai: OpenAIEmulator
const dirs: string[] = []
let a: Instance
let b: Instance

function report(dir: string, revenue: number): string {
  const file = path.join(dir, 'acme-2023-annual-report.txt')
  fs.writeFileSync(
    file,
    [
      'Acme Corporation Annual Report 2023',
      `Total net revenue for fiscal 2023 was ${revenue} million dollars, driven by rocket skates and anvils.`,
      'Capital expenditures were spent on new warehouses in the desert.',
      'The board declared a quarterly dividend payable to shareholders of record.',
    ].join('\n\n'),
  )
  return file
}

async function ask(i: Instance, question: string): Promise<AskBody> {
  const res = await i.app.inject({ method: 'POST', url: '/v1/ask', payload: { question } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json<AskBody>()
}

beforeAll(async () => {
  db = await freshSchema()
  // the schema must exist before DATABASE_URL points a search_path at it
  await db.pool()
  pinecone = await startPineconeEmulator({ lagMs: 150 })
  openai = await startOpenAIEmulator({ apiKey: 'sk-test', models: ['gpt-4o-mini', 'ft:gpt-4o-mini:acme:buffett:1'] })
  openai.setResponder((body) => `Answered by ${body.model}: revenue is in the report [1].`)
  a = await startReplica('a', scaledEnv(db, pinecone, openai))
  b = await startReplica('b', scaledEnv(db, pinecone, openai))
})

afterAll(async () => {
  for (const i of [a, b]) await i?.close()
  await pinecone?.close()
  await openai?.close()
  await db?.drop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe('two API instances sharing PostgreSQL and Pinecone', () => {
  it('answers on B at the version re-ingested through A; no answer during the re-ingest has zero or mixed versions', async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-src-'))
    dirs.push(src)
    const first = await ingestPaths(a.deps.ingest, [report(src, 500)], { documentId: 'acme-2023' })
    expect(first.results[0]).toMatchObject({ status: 'ingested', version: 1 })
    const before = await ask(b, 'What was total net revenue?')
    expect(before.citations.map((c) => c.version)).toContain(1)

    let stop = false
    const versions: number[][] = []
    const reader = (async () => {
      while (!stop || versions.length < 5) {
        const r = await ask(b, 'What was total net revenue and the dividend?')
        versions.push([...new Set(r.citations.map((c) => c.version))])
      }
    })()
    const second = await ingestPaths(a.deps.ingest, [report(src, 650)], { documentId: 'acme-2023' })
    expect(second.results[0]).toMatchObject({ status: 'ingested', version: 2 })
    const after = await ask(b, 'What was total net revenue?')
    stop = true
    await reader
    expect(new Set(after.citations.map((c) => c.version))).toEqual(new Set([2]))
    expect(after.citations.some((c) => c.snippet.includes('650'))).toBe(true)
    expect(versions.filter((v) => v.length !== 1)).toEqual([])
    expect((await b.deps.corpus.getDocument('acme-2023'))?.activeVersion).toBe(2)
  })

  it('uses on B a voice activated on A', async () => {
    const plain = await ask(b, 'What was total net revenue?')
    expect(plain.model).toBe('gpt-4o-mini')
    await a.deps.registry.upsert({
      id: 'buffett',
      provider: 'openai',
      model: 'ft:gpt-4o-mini:acme:buffett:1',
      baseModel: 'gpt-4o-mini',
      baseURL: null,
      datasetHash: null,
      jobId: null,
      status: 'ready',
    })
    await a.deps.registry.activate('buffett')
    const voiced = await ask(b, 'What was total net revenue?')
    expect(voiced).toMatchObject({ voice: 'buffett', model: 'ft:gpt-4o-mini:acme:buffett:1' })
    expect(voiced.answer).toContain('Answered by ft:gpt-4o-mini:acme:buffett:1')
  })

  it('shares API keys: a key created through A authenticates on B', async () => {
    const { key } = await a.deps.keys.create({ scope: 'query', name: 'shared' })
    expect(await b.deps.keys.verify(key)).toMatchObject({ scope: 'query', name: 'shared' })
  })
})
