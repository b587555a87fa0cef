import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CommitInput, Corpus } from '../../src/core/corpus.js'
import type { ChunkRecord, DocumentMeta } from '../../src/core/documents.js'
import { describeCollectionContract } from './collection-contract.js'

/**
 * The behaviour every Corpus implementation must show (the db0 way: one suite, a dozen-line test file
 * per backend). `factory` returns a fresh, empty store; `cleanup` runs after each test.
 */
export interface CorpusFactory {
  create(): Promise<Corpus>
  cleanup?(): Promise<void>
  /** stores with eventual consistency (Pinecone) wait here before reading what they wrote */
  settle?(): Promise<void>
  /** stores with one namespace per collection (Pinecone): the namespaces that exist now */
  namespaces?(): string[]
}

const META: DocumentMeta = { title: 'Acme 2023 Form 10-K', company: 'Acme', fiscalYear: 2023, docType: '10-K' }

export function chunk(ordinal: number, text: string, extra: Partial<ChunkRecord> = {}): ChunkRecord {
  const header = extra.header ?? `${META.title} | FY2023 | 10-K`
  return {
    ordinal,
    text,
    header,
    pageStart: ordinal + 1,
    pageEnd: ordinal + 1,
    sectionPath: ['PART II', 'Item 7. Results'],
    charStart: ordinal * 100,
    charEnd: ordinal * 100 + text.length,
    tokens: text.split(' ').length,
    hash: createHash('sha256').update(`${header}\n${text}`).digest('hex'),
    ...extra,
  }
}

export function commitInput(documentId: string, fingerprint: string, texts: readonly string[], meta: DocumentMeta = META): CommitInput {
  return {
    documentId,
    sha256: createHash('sha256').update(texts.join('\n')).digest('hex'),
    fingerprint,
    sourceName: `${documentId}.pdf`,
    meta,
    pages: texts.length,
    chunks: texts.map((t, i) => chunk(i, t)),
  }
}

function unit(values: readonly number[]): Float32Array {
  const v = Float32Array.from(values)
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

/** A fresh store per test, closed and cleaned after it; call inside a describe block. */
export function freshCorpusPerTest(factory: CorpusFactory): () => Corpus {
  let corpus: Corpus | undefined
  beforeEach(async () => {
    corpus = await factory.create()
  })
  afterEach(async () => {
    await corpus?.close()
    await factory.cleanup?.()
  })
  return () => corpus!
}

export function describeCorpusContract(name: string, factory: CorpusFactory): void {
  describeCollectionContract(name, factory)
  describe(`Corpus contract: ${name}`, () => {
    const current = freshCorpusPerTest(factory)
    let corpus: Corpus
    const settle = async (): Promise<void> => factory.settle?.()
    beforeEach(() => {
      corpus = current()
    })

    it('commits a first version and finds it by keyword, with page and section', async () => {
      const res = await corpus.commitVersion(
        commitInput('acme-10k', 'fp1', ['Net sales rose to 1,801 million', 'Dividends were raised twice']),
      )
      expect(res).toMatchObject({ documentId: 'acme-10k', version: 1, status: 'ingested' })
      await settle()
      const hits = await corpus.keywordSearch({ terms: ['dividends'], limit: 5 })
      expect(hits).toHaveLength(1)
      expect(hits[0]).toMatchObject({ documentId: 'acme-10k', version: 1, meta: { company: 'Acme' } })
      expect(hits[0]?.chunk).toMatchObject({ ordinal: 1, pageStart: 2, sectionPath: ['PART II', 'Item 7. Results'] })
      const doc = await corpus.getDocument('acme-10k')
      expect(doc).toMatchObject({ id: 'acme-10k', activeVersion: 1, chunks: 2, pages: 2, sourceName: 'acme-10k.pdf', embeddingModel: null })
      expect((await corpus.listDocuments()).map((d) => d.id)).toEqual(['acme-10k'])
    })

    it('answers unchanged for the same fingerprint and writes nothing', async () => {
      await corpus.commitVersion(commitInput('doc', 'same', ['alpha beta']))
      const again = await corpus.commitVersion(commitInput('doc', 'same', ['something else entirely']))
      expect(again).toMatchObject({ version: 1, status: 'unchanged' })
      await settle()
      expect(await corpus.keywordSearch({ terms: ['entirely'], limit: 5 })).toHaveLength(0)
      expect((await corpus.getDocument('doc'))?.chunks).toBe(1)
    })

    it('refuses an id derived from another source, even when both commits race; an id the caller chose replaces', async () => {
      const bound = (fingerprint: string, sourceName: string, text: string): CommitInput => ({
        ...commitInput('report', fingerprint, [text]),
        sourceName,
        sourceBound: true,
      })
      const raced = await Promise.allSettled([
        corpus.commitVersion(bound('a', 'Report.pdf', 'alpha revenue')),
        corpus.commitVersion(bound('b', 'report.pdf', 'beta revenue')),
      ])
      expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
      const refused = raced.find((r) => r.status === 'rejected')
      expect(refused?.status === 'rejected' ? refused.reason : undefined).toMatchObject({ code: 'document_id_conflict' })
      const kept = await corpus.getDocument('report')
      expect(kept?.activeVersion).toBe(1)
      // the same source again is its next version; another source without a bound id replaces it
      const held = kept?.sourceName ?? ''
      expect(await corpus.commitVersion(bound('c', held, 'gamma revenue'))).toMatchObject({ version: 2, status: 'ingested' })
      expect(await corpus.commitVersion({ ...commitInput('report', 'd', ['delta revenue']), sourceName: 'other.pdf' })).toMatchObject({
        version: 3,
        status: 'ingested',
      })
    })

    it('replaces the previous version: new version active, old chunks gone', async () => {
      await corpus.commitVersion(commitInput('doc', 'v1', ['old revenue figure', 'old margin']))
      const res = await corpus.commitVersion(commitInput('doc', 'v2', ['new revenue figure']))
      expect(res).toMatchObject({ version: 2, status: 'ingested', replaced: 1 })
      await settle()
      const hits = await corpus.keywordSearch({ terms: ['revenue'], limit: 10 })
      expect(hits.map((h) => h.version)).toEqual([2])
      expect(await corpus.keywordSearch({ terms: ['margin'], limit: 10 })).toHaveLength(0)
      expect(await corpus.getChunks('doc', [0, 1])).toHaveLength(1)
    })

    it('filters by document, company, year and type', async () => {
      await corpus.commitVersion(commitInput('a', 'a1', ['capital expenditure grew']))
      await corpus.commitVersion(
        commitInput('b', 'b1', ['capital expenditure fell'], {
          title: 'Beta 2022 Form 10-Q',
          company: 'Beta',
          fiscalYear: 2022,
          docType: '10-Q',
        }),
      )
      await settle()
      const all = await corpus.keywordSearch({ terms: ['capital'], limit: 10 })
      expect(all).toHaveLength(2)
      const q = (filter: object) => corpus.keywordSearch({ terms: ['capital'], limit: 10, filter }).then((h) => h.map((x) => x.documentId))
      expect(await q({ documentIds: ['b'] })).toEqual(['b'])
      expect(await q({ company: ['beta'] })).toEqual(['b'])
      expect(await q({ fiscalYear: [2023] })).toEqual(['a'])
      expect(await q({ docType: ['10-Q'] })).toEqual(['b'])
    })

    it('treats search text as words, never as query syntax', async () => {
      await corpus.commitVersion(commitInput('doc', 'x', ['revenue NEAR growth in "Europe" (net) - 10% * AND OR']))
      await settle()
      for (const term of ['"', 'NEAR(', 'text:', '*', '-', 'AND', 'OR', '(net', "O'Reilly", '']) {
        await expect(corpus.keywordSearch({ terms: [term], limit: 5 })).resolves.toBeInstanceOf(Array)
      }
      const phrase = await corpus.keywordSearch({ terms: [], phrases: [['growth', 'in', 'europe']], limit: 5 })
      expect(phrase).toHaveLength(1)
      expect(await corpus.keywordSearch({ terms: [], phrases: [['europe', 'growth']], limit: 5 })).toHaveLength(0)
    })

    it('ranks by BM25 and indexes the contextual header', async () => {
      await corpus.commitVersion(
        commitInput('doc', 'x', ['dividend dividend dividend policy', 'one dividend mention among many other words here']),
      )
      await settle()
      const hits = await corpus.keywordSearch({ terms: ['dividend'], limit: 5 })
      expect(hits.map((h) => h.chunk.ordinal)).toEqual([0, 1])
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score)
      // "Form" and "10-K" appear only in the header.
      expect((await corpus.keywordSearch({ terms: ['form'], limit: 5 })).length).toBe(2)
    })

    it('returns chunks by ordinal from the active version', async () => {
      await corpus.commitVersion(commitInput('doc', 'x', ['zero', 'one', 'two', 'three']))
      await settle()
      const got = await corpus.getChunks('doc', [3, 1, 9])
      expect(got.map((h) => h.chunk.ordinal)).toEqual([1, 3])
      expect(await corpus.getChunks('missing', [0])).toEqual([])
    })

    it('after a new version or a delete of one document, reads every document as the store now holds it', async () => {
      await corpus.commitVersion(commitInput('a', 'a1', ['alpha revenue', 'alpha margin']))
      await corpus.commitVersion(commitInput('b', 'b1', ['beta revenue', 'beta margin', 'beta capex']))
      await corpus.commitVersion(commitInput('c', 'c1', ['gamma revenue']))
      await settle()
      // read once, so a store that keeps what it read holds all three documents' chunks
      const texts = async (id: string, ordinals: number[]): Promise<string[]> =>
        (await corpus.getChunks(id, ordinals)).map((h) => h.chunk.text)
      expect(await texts('b', [0, 1, 2])).toEqual(['beta revenue', 'beta margin', 'beta capex'])
      expect(await texts('a', [0, 1])).toEqual(['alpha revenue', 'alpha margin'])
      expect((await corpus.keywordSearch({ terms: ['revenue'], limit: 10 })).map((h) => h.documentId).sort()).toEqual(['a', 'b', 'c'])

      await corpus.commitVersion(commitInput('b', 'b2', ['beta restated revenue']))
      await corpus.deleteDocument('a')
      await settle()
      expect(await texts('b', [0, 1, 2])).toEqual(['beta restated revenue'])
      expect(await texts('a', [0, 1])).toEqual([])
      expect(await texts('c', [0])).toEqual(['gamma revenue'])
      const hits = await corpus.keywordSearch({ terms: ['revenue'], limit: 10 })
      expect(hits.map((h) => [h.documentId, h.version]).sort()).toEqual([
        ['b', 2],
        ['c', 1],
      ])
    })

    it('reports a revision that moves with each new version and delete, and stays for an unchanged commit', async () => {
      // optional in the port; every store of this project has it
      expect(typeof corpus.revision).toBe('function')
      const revision = async (): Promise<string | undefined> => corpus.revision?.()
      const empty = await revision()
      await corpus.commitVersion(commitInput('acme-10k', 'fp1', ['Net sales rose to 1,801 million']))
      const v1 = await revision()
      expect(v1).not.toBe(empty)
      await corpus.commitVersion(commitInput('acme-10k', 'fp1', ['Net sales rose to 1,801 million']))
      await corpus.keywordSearch({ terms: ['sales'], limit: 5 })
      expect(await revision()).toBe(v1)
      await corpus.commitVersion(commitInput('acme-10k', 'fp2', ['Net sales rose to 1,950 million']))
      const v2 = await revision()
      expect(v2).not.toBe(v1)
      await corpus.deleteDocument('acme-10k')
      expect(await revision()).not.toBe(v2)
    })

    it('deletes a document entirely', async () => {
      await corpus.commitVersion(commitInput('doc', 'x', ['to be removed']))
      expect(await corpus.deleteDocument('doc')).toBe(true)
      expect(await corpus.deleteDocument('doc')).toBe(false)
      await settle()
      expect(await corpus.getDocument('doc')).toBeUndefined()
      expect(await corpus.keywordSearch({ terms: ['removed'], limit: 5 })).toHaveLength(0)
      // The id can be used again and starts a fresh history.
      const again = await corpus.commitVersion(commitInput('doc', 'y', ['back again']))
      expect(again.status).toBe('ingested')
    })

    it('stores vectors with their model, searches them, and caches them by chunk hash', async () => {
      const input = commitInput('doc', 'x', ['north', 'east', 'south'])
      const vectors = [unit([1, 0, 0, 0]), unit([0, 1, 0, 0]), unit([-1, 0, 0.1, 0])]
      await corpus.commitVersion({ ...input, embeddings: { model: 'test:emb', vectors } })
      await settle()
      expect((await corpus.getDocument('doc'))?.embeddingModel).toBe('test:emb')
      const hits = await corpus.vectorSearch({ vector: unit([0.9, 0.1, 0, 0]), model: 'test:emb', limit: 2 })
      expect(hits.map((h) => h.chunk.text)).toEqual(['north', 'east'])
      expect(await corpus.vectorSearch({ vector: unit([1, 0, 0, 0]), model: 'other:model', limit: 2 })).toEqual([])
      const cached = await corpus.cachedEmbeddings(
        'test:emb',
        input.chunks.map((c) => c.hash),
      )
      expect(cached.size).toBe(3)
      expect(Array.from(cached.get(input.chunks[1]!.hash)!)).toEqual(Array.from(vectors[1]!))
      expect((await corpus.cachedEmbeddings('other:model', [input.chunks[0]!.hash])).size).toBe(0)
    })

    it('keeps statement facts with their version: read by page, replaced with a new version, gone with the document', async () => {
      const facts = [
        { page: 1, label: 'Total net sales', period: '2023', value: 177866, scale: 1e6 },
        { page: 1, label: 'Total net sales', period: '2022', value: 135987, scale: 1e6 },
        { page: 2, label: 'Purchases of property and equipment', period: '2023', value: -1577.5, scale: 1e6 },
      ]
      await corpus.commitVersion({ ...commitInput('doc', 'v1', ['sales', 'capex']), facts })
      await settle()
      expect(await corpus.facts?.('doc')).toEqual(facts)
      expect(await corpus.facts?.('doc', { page: 2 })).toEqual([facts[2]])
      expect(await corpus.facts?.('doc', { page: 3 })).toEqual([])
      await corpus.commitVersion({ ...commitInput('doc', 'v2', ['sales']), facts: [facts[0]!] })
      await settle()
      expect(await corpus.facts?.('doc')).toEqual([facts[0]])
      await corpus.deleteDocument('doc')
      await settle()
      expect(await corpus.facts?.('doc')).toEqual([])
    })
  })
}
