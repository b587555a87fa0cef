import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { startReplicaPair, type Replica, type ReplicaPair } from './replica.js'

/**
 * Two replicas sharing PostgreSQL (catalog, keys) and Pinecone (one namespace per collection): a key
 * made on one is scoped on the other, and what one replica ingests into or deletes from a collection
 * the other sees — always within the key's collections.
 */
let openai: OpenAIEmulator
let pair: ReplicaPair
let src: string

beforeAll(async () => {
  openai = await startOpenAIEmulator({ apiKey: 'sk-test', models: ['gpt-4o-mini'] })
  openai.setResponder(() => 'From the sources: see [1].')
  pair = await startReplicaPair(openai, { pineconeLagMs: 100 })
  src = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-collections-src-'))
})

afterAll(async () => {
  await pair?.close()
  await openai?.close()
  fs.rmSync(src, { recursive: true, force: true })
})

function file(name: string, text: string): string {
  const p = path.join(src, name)
  fs.writeFileSync(p, text)
  return p
}

describe('collections and scoped keys across two replicas', () => {
  it('a key limited to one collection, made on A, sees only that collection on B', async () => {
    const acme = file(
      'acme-2023.txt',
      'Acme Corporation Annual Report 2023\n\nAcme total net revenue for fiscal 2023 was 812 million dollars.',
    )
    const gamma = file('gamma-2023.txt', 'Gamma Foods Annual Report 2023\n\nGamma Foods shipped 40 million boxes of cereal in 2023.')
    expect((await ingestPaths(pair.a.deps.ingest, [acme])).results[0]?.status).toBe('ingested')
    expect((await ingestPaths(pair.a.deps.ingest, [gamma], { collection: 'ir' })).results[0]).toMatchObject({
      status: 'ingested',
      documentId: 'ir/gamma-2023',
    })
    expect(pair.pinecone.namespaceNames()).toEqual(['acme-corp', 'acme-corp__ir'])

    const irKey = (await pair.a.deps.keys.create({ scope: 'admin', collections: ['ir'] })).key
    const allKey = (await pair.a.deps.keys.create({ scope: 'admin' })).key
    const on = (r: Replica, key: string) => (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      r.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) })
    const bIr = on(pair.b, irKey)
    const bAll = on(pair.b, allKey)

    const question = 'What was Acme total net revenue for fiscal 2023?'
    expect((await bAll('POST', '/v1/ask', { question })).json().citations.map((c: { documentId: string }) => c.documentId)).toContain(
      'acme-2023',
    )
    const scoped = await bIr('POST', '/v1/ask', { question })
    expect(scoped.json().citations).toEqual([])
    expect(scoped.json().answer).not.toContain('812')
    const own = await bIr('POST', '/v1/ask', { question: 'How many boxes of cereal did Gamma Foods ship in 2023?' })
    expect(own.json().citations[0]).toMatchObject({ documentId: 'gamma-2023', collection: 'ir' })

    expect((await bIr('GET', '/v1/documents')).json().documents.map((d: { id: string }) => d.id)).toEqual(['gamma-2023'])
    expect((await bIr('GET', '/v1/documents/acme-2023?collection=default')).statusCode).toBe(404)
    expect((await bIr('DELETE', '/v1/documents/acme-2023?collection=default')).statusCode).toBe(404)
    expect((await bIr('GET', '/v1/collections')).json()).toEqual({ collections: [{ name: 'ir', documents: 1 }] })

    // deleted through B, gone for A: listing, search and the collection's namespace
    expect((await bIr('DELETE', '/v1/collections/ir')).statusCode).toBe(409)
    expect((await bIr('DELETE', '/v1/collections/ir?force=true')).json()).toMatchObject({ deleted: true, documents: ['gamma-2023'] })
    const aAll = on(pair.a, allKey)
    expect((await aAll('GET', '/v1/collections')).json()).toEqual({ collections: [{ name: 'default', documents: 1 }] })
    const after = await aAll('POST', '/v1/ask', { question: 'How many boxes of cereal did Gamma Foods ship in 2023?' })
    expect(after.json().citations.every((c: { collection: string }) => c.collection === 'default')).toBe(true)
    expect(pair.pinecone.namespaceNames()).toEqual(['acme-corp'])
  })
})
