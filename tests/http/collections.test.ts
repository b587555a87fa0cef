import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OpenAI from 'openai'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { buildApp, type AppDeps } from '../../src/app.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { ACME_PAGES, BETA_PAGES, doc } from './answer-harness.js'
import { postDocuments } from '../support/multipart.js'
import { capture } from '../support/capture-stream.js'

// The production composition over one SQLite file: `default` holds Acme and Beta, `ir` holds Gamma. Keys
// limited to `ir` must never see, list, fetch, cite or touch what `default` holds — and must get 404, as
// for something that does not exist.
const GAMMA_PAGES = [
  'Gamma Foods 2023 annual report. Gamma Foods bakes cereal in Ohio. Gamma Foods shipped 40 million boxes of cereal in 2023.',
]

describe('collections and scoped keys over HTTP', () => {
  const logs = capture()
  let dir: string
  let deps: AppDeps
  let app: FastifyInstance
  let all: string
  let irQuery: string
  let irAdmin: string
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-collections-'))
    deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dir, RAGTUNE_INGEST_WORKERS: '0' }), createLogger({ level: 'info', to: logs }))
    await deps.corpus.commitVersion(
      doc('acme-2022-10k', ACME_PAGES, { title: 'Acme 2022 Form 10-K', company: 'Acme', fiscalYear: 2022, docType: '10-K' }),
    )
    await deps.corpus.commitVersion(
      doc('beta-2023-ar', BETA_PAGES, {
        title: 'Beta Bicycles 2023 Annual Report',
        company: 'Beta',
        fiscalYear: 2023,
        docType: 'annual-report',
      }),
    )
    await deps.corpus.commitVersion(
      doc('ir/gamma-2023-ar', GAMMA_PAGES, {
        title: 'Gamma Foods 2023 Annual Report',
        company: 'Gamma Foods',
        fiscalYear: 2023,
        docType: 'annual-report',
      }),
    )
    all = (await deps.keys!.create({ scope: 'admin' })).key
    irQuery = (await deps.keys!.create({ scope: 'query', collections: ['ir'] })).key
    irAdmin = (await deps.keys!.create({ scope: 'admin', collections: ['ir'] })).key
    app = await buildApp(deps)
  })
  afterAll(async () => {
    await app.close()
    await closeDeps(deps)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const upload = (key: string, files: { name: string; data: string }[], fields: Record<string, string> = {}) =>
    postDocuments(app, files, fields, bearer(key))
  const ask = (key: string, payload: object) => app.inject({ method: 'POST', url: '/v1/ask', headers: bearer(key), payload })

  it('answers a key from its collections only: a company held elsewhere is "not in these documents", with no citation', async () => {
    const question = "What was Acme's total revenue in fiscal 2022?"
    const open = await ask(all, { question })
    expect(open.json().citations.map((c: { documentId: string; collection: string }) => `${c.collection}:${c.documentId}`)).toContain(
      'default:acme-2022-10k',
    )
    const scoped = await ask(irQuery, { question })
    expect(scoped.statusCode).toBe(200)
    // off-corpus for this key: said so, nothing of Acme's quoted, no citation
    expect(scoped.json().citations).toEqual([])
    expect(scoped.json().answer).toMatch(/do not cover Acme|^No passage/)
    expect(scoped.json().answer).not.toContain('12,345')
    // the same question again: the retrieval cache must not hand the scoped key the open key's sources
    expect((await ask(irQuery, { question })).json().citations).toEqual([])
    const own = await ask(irQuery, { question: 'How many boxes of cereal did Gamma Foods ship in 2023?' })
    expect(own.json().citations[0]).toMatchObject({ documentId: 'gamma-2023-ar', collection: 'ir' })
    expect(own.json().answer).toContain('40 million')
  })

  it('a voice bound to a collection answers from it, and does not exist for a key that cannot see it', async () => {
    const registry = deps.registry!
    await registry.upsert({
      id: 'ir-voice',
      provider: 'prompted',
      model: null,
      baseModel: null,
      baseURL: null,
      datasetHash: null,
      jobId: null,
      status: 'ready',
      kind: 'prompted',
    })
    await registry.bindCollection('ir-voice', 'ir')
    const legal = (await deps.keys!.create({ scope: 'query', collections: ['legal'] })).key
    const listed = async (key: string): Promise<string[]> =>
      (await app.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) }))
        .json<{ data: { id: string }[] }>()
        .data.map((m) => m.id)
    expect(await listed(irQuery)).toContain('ir-voice')
    expect(await listed(all)).toContain('ir-voice')
    expect(await listed(legal)).not.toContain('ir-voice')
    // the open key, through the IR voice, gets IR's documents only
    const viaVoice = await ask(all, { question: "What was Acme's total revenue in fiscal 2022?", voice: 'ir-voice' })
    expect(viaVoice.json().citations).toEqual([])
    expect(
      (await ask(all, { question: 'How many boxes of cereal did Gamma Foods ship in 2023?', voice: 'ir-voice' })).json().citations[0],
    ).toMatchObject({ collection: 'ir' })
    const hidden = await ask(legal, { question: 'revenue', voice: 'ir-voice' })
    expect(hidden.statusCode).toBe(404)
    expect(hidden.json().error.code).toBe('unknown_model')
  })

  it('filters.collection narrows a query; a collection outside the key is 404 whether or not it exists', async () => {
    const narrowed = await ask(all, {
      question: 'How many boxes of cereal did Gamma Foods ship in 2023?',
      filters: { collection: 'default' },
    })
    expect(narrowed.json().citations.every((c: { collection: string }) => c.collection === 'default')).toBe(true)
    const outside = await ask(irQuery, { question: 'revenue', filters: { collection: 'default' } })
    const missing = await ask(irQuery, { question: 'revenue', filters: { collection: 'nowhere' } })
    expect(outside.statusCode).toBe(404)
    expect(missing.statusCode).toBe(404)
    expect(outside.json().error.code).toBe('collection_not_found')
    expect(outside.json().error.message.replace('default', 'X')).toBe(missing.json().error.message.replace('nowhere', 'X'))
  })

  it('lists, fetches and deletes only inside the key: elsewhere is 404 and nothing changes', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1/documents', headers: bearer(irAdmin) })
    expect(list.json().documents.map((d: { id: string; collection: string }) => `${d.collection}:${d.id}`)).toEqual(['ir:gamma-2023-ar'])
    const everything = await app.inject({ method: 'GET', url: '/v1/documents', headers: bearer(all) })
    expect(everything.json().documents).toHaveLength(3)
    // without ?collection= a key for one collection acts in it
    expect((await app.inject({ method: 'GET', url: '/v1/documents/gamma-2023-ar', headers: bearer(irAdmin) })).json()).toMatchObject({
      id: 'gamma-2023-ar',
      collection: 'ir',
    })
    for (const url of [
      '/v1/documents/acme-2022-10k',
      '/v1/documents/acme-2022-10k?collection=default',
      '/v1/documents?collection=default',
    ]) {
      const got = await app.inject({ method: 'GET', url, headers: bearer(irAdmin) })
      expect(got.statusCode, url).toBe(404)
      const del = await app.inject({ method: 'DELETE', url, headers: bearer(irAdmin) })
      expect(del.statusCode, url).toBe(404)
    }
    const collections = await app.inject({ method: 'GET', url: '/v1/collections', headers: bearer(irQuery) })
    expect(collections.json()).toEqual({ collections: [{ name: 'ir', documents: 1 }] })
    const dropOther = await app.inject({ method: 'DELETE', url: '/v1/collections/default?force=true', headers: bearer(irAdmin) })
    expect(dropOther.statusCode, dropOther.body).toBe(404)
    expect(await deps.corpus.getDocument('acme-2022-10k')).toBeDefined()
    expect((await app.inject({ method: 'GET', url: '/v1/documents/acme-2022-10k', headers: bearer(all) })).statusCode).toBe(200)
  })

  it("uploads into the key's collection, refuses another, and creates and deletes collections", async () => {
    const refused = await upload(irAdmin, [{ name: 'memo.txt', data: 'A planted memo.' }], { collection: 'default' })
    expect(refused.statusCode).toBe(404)
    const accepted = await upload(irAdmin, [{ name: 'memo.txt', data: 'Gamma Foods memo: cereal prices rise.' }])
    expect(accepted.statusCode).toBe(202)
    let job: { status: string; results: { documentId: string }[] } = { status: 'queued', results: [] }
    for (let i = 0; i < 300 && job.status !== 'succeeded' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      job = (await app.inject({ method: 'GET', url: accepted.json().statusUrl, headers: bearer(irAdmin) })).json()
    }
    expect(job.status).toBe('succeeded')
    expect(job.results[0]?.documentId).toBe('ir/memo')
    expect(await deps.corpus.getDocument('memo')).toBeUndefined()

    // originals: the ir key opens its own; one in `default` (same id, uploaded by the open key) is 404 to it
    const other = await upload(all, [{ name: 'memo.txt', data: 'Board memo: the Acme merger is off.' }])
    for (let i = 0; i < 300; i++) {
      if ((await app.inject({ method: 'GET', url: other.json().statusUrl, headers: bearer(all) })).json().status === 'succeeded') break
      await new Promise((r) => setTimeout(r, 50))
    }
    const own = await app.inject({ method: 'GET', url: '/v1/documents/memo/versions/1/file', headers: bearer(irQuery) })
    expect(own.statusCode, own.body).toBe(200)
    expect(own.body).toContain('cereal prices')
    expect(
      (await app.inject({ method: 'GET', url: '/v1/documents/memo/versions/1/file?collection=default', headers: bearer(all) })).body,
    ).toContain('merger is off')
    for (const url of [
      '/v1/documents/memo/versions/1/file?collection=default',
      '/v1/documents/memo/versions/1/pages/1?collection=default',
      '/v1/documents/memo/chunks?collection=default',
      '/v1/documents/memo/versions?collection=default',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: bearer(irQuery) })
      expect(res.statusCode, url).toBe(404)
      expect(res.body, url).not.toContain('merger')
    }
    expect((await app.inject({ method: 'DELETE', url: '/v1/documents/memo?collection=default', headers: bearer(all) })).statusCode).toBe(
      200,
    )

    expect(
      (await app.inject({ method: 'POST', url: '/v1/collections', headers: bearer(irAdmin), payload: { name: 'legal' } })).statusCode,
    ).toBe(404)
    const made = await app.inject({ method: 'POST', url: '/v1/collections', headers: bearer(all), payload: { name: 'legal' } })
    expect(made.statusCode).toBe(201)
    expect(
      (await app.inject({ method: 'POST', url: '/v1/collections', headers: bearer(all), payload: { name: 'legal' } })).json().error.code,
    ).toBe('collection_exists')
    expect(
      (await app.inject({ method: 'POST', url: '/v1/collections', headers: bearer(all), payload: { name: 'Bad/Name' } })).json().error.code,
    ).toBe('invalid_collection')
    const notEmpty = await app.inject({ method: 'DELETE', url: '/v1/collections/ir', headers: bearer(irAdmin) })
    expect(notEmpty.statusCode).toBe(409)
    expect(notEmpty.json().error.code).toBe('collection_not_empty')
    const forced = await app.inject({ method: 'DELETE', url: '/v1/collections/ir?force=true', headers: bearer(irAdmin) })
    expect(forced.json()).toEqual({ name: 'ir', deleted: true, documents: ['gamma-2023-ar', 'memo'] })
    expect((await deps.corpus.listDocuments()).map((d) => d.id)).toEqual(['acme-2022-10k', 'beta-2023-ar'])
    expect((await app.inject({ method: 'DELETE', url: '/v1/collections/legal', headers: bearer(all) })).json()).toMatchObject({
      deleted: true,
      documents: [],
    })
    // one audit line per admin action that changed something, with the key and the collection
    const audits = logs
      .text()
      .split('\n')
      .filter((l) => l.includes('"audit":true'))
      .map((l) => JSON.parse(l) as { action: string; collection: string; keyId: string | null })
    const irKeyId = /^rt_([0-9a-f]{12})_/.exec(irAdmin)?.[1]
    expect(audits.map((a) => `${a.action} ${a.collection} ${a.keyId === irKeyId ? 'ir-key' : 'other'}`)).toEqual([
      'document.upload ir ir-key',
      'document.upload default other',
      'document.delete default other',
      'collection.create legal other',
      'collection.delete ir ir-key',
      'collection.delete legal other',
    ])
  })

  it('chat completions through the openai SDK honour the key too', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    const client = new OpenAI({ apiKey: irQuery, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 })
    const res = await client.chat.completions.create({
      model: 'ragtune',
      messages: [{ role: 'user', content: "What was Acme's total revenue in fiscal 2022?" }],
    })
    expect((res as unknown as { citations: unknown[] }).citations).toEqual([])
    expect(res.choices[0]?.message.content).not.toContain('12,345')
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toContain('ragtune')
  })
})
