import { beforeEach, describe, expect, it } from 'vitest'
import type { Corpus } from '../../src/core/corpus.js'
import { scopedCorpus } from '../../src/core/scoped-corpus.js'
import type { CorpusFactory } from './corpus-contract.js'
import { commitInput, freshCorpusPerTest } from './corpus-contract.js'

const BETA = { title: 'Beta 2023 Form 10-K', company: 'Beta', fiscalYear: 2023, docType: '10-K' }

/**
 * Collections, on every backend (run by describeCorpusContract): the same id in two collections is two
 * documents; searches, listings, deletes and revisions per collection; a scoped view sees nothing outside.
 */
export function describeCollectionContract(name: string, factory: CorpusFactory): void {
  describe(`Collection contract: ${name}`, () => {
    const current = freshCorpusPerTest(factory)
    let corpus: Corpus
    const settle = async (): Promise<void> => factory.settle?.()
    beforeEach(() => {
      corpus = current()
    })

    const ids = (hits: readonly { documentId: string }[]): string[] => hits.map((h) => h.documentId).sort()

    it('keeps the same document id apart in two collections, and searches and lists per collection', async () => {
      await corpus.commitVersion(commitInput('acme-10k', 'd1', ['Dividends were raised in the default collection']))
      await corpus.commitVersion(commitInput('ir/acme-10k', 'i1', ['Dividends were raised in the investor relations copy']))
      await corpus.commitVersion(commitInput('legal/beta-10k', 'l1', ['Dividends of Beta under litigation'], BETA))
      await settle()
      expect((await corpus.getDocument('ir/acme-10k'))?.chunks).toBe(1)
      expect((await corpus.getDocument('acme-10k'))?.sourceName).toBe('acme-10k.pdf')
      expect(ids(await corpus.keywordSearch({ terms: ['dividends'], limit: 10 }))).toEqual(['acme-10k', 'ir/acme-10k', 'legal/beta-10k'])
      expect(ids(await corpus.keywordSearch({ terms: ['dividends'], limit: 10, filter: { collections: ['ir'] } }))).toEqual(['ir/acme-10k'])
      expect(ids(await corpus.keywordSearch({ terms: ['dividends'], limit: 10, filter: { collections: ['default', 'legal'] } }))).toEqual([
        'acme-10k',
        'legal/beta-10k',
      ])
      // a company filter inside a collection that does not hold it finds nothing
      expect(await corpus.keywordSearch({ terms: ['dividends'], limit: 10, filter: { collections: ['ir'], company: ['Beta'] } })).toEqual(
        [],
      )
      expect(await corpus.keywordSearch({ terms: ['dividends'], limit: 10, filter: { collections: [] } })).toEqual([])
      expect((await corpus.listDocuments(['ir'])).map((d) => d.id)).toEqual(['ir/acme-10k'])
      expect((await corpus.listDocuments()).map((d) => d.id)).toEqual(['acme-10k', 'ir/acme-10k', 'legal/beta-10k'])
      expect(await corpus.listCollections()).toEqual([
        { name: 'default', documents: 1 },
        { name: 'ir', documents: 1 },
        { name: 'legal', documents: 1 },
      ])
      // deleting one copy leaves the other
      expect(await corpus.deleteDocument('ir/acme-10k')).toBe(true)
      await settle()
      expect(ids(await corpus.keywordSearch({ terms: ['dividends'], limit: 10 }))).toEqual(['acme-10k', 'legal/beta-10k'])
    })

    it('searches vectors per collection', async () => {
      const vectors = [Float32Array.from([1, 0, 0, 0])]
      await corpus.commitVersion({ ...commitInput('a', 'a1', ['north']), embeddings: { model: 'm', vectors } })
      await corpus.commitVersion({ ...commitInput('ir/a', 'b1', ['north again']), embeddings: { model: 'm', vectors } })
      await settle()
      const near = (collections?: readonly string[]) =>
        corpus
          .vectorSearch({ vector: vectors[0]!, model: 'm', limit: 5, ...(collections === undefined ? {} : { filter: { collections } }) })
          .then(ids)
      expect(await near()).toEqual(['a', 'ir/a'])
      expect(await near(['ir'])).toEqual(['ir/a'])
    })

    it('creates empty collections and deletes a non-empty one only when forced, with all its documents', async () => {
      expect(await corpus.createCollection('finance')).toBe(true)
      expect(await corpus.createCollection('finance')).toBe(false)
      expect(await corpus.listCollections()).toEqual([{ name: 'finance', documents: 0 }])
      await corpus.commitVersion(commitInput('ir/one', 'o1', ['Revenue grew']))
      await corpus.commitVersion(commitInput('ir/two', 't1', ['Revenue fell']))
      await corpus.commitVersion(commitInput('keep', 'k1', ['Revenue held']))
      await settle()
      await expect(corpus.deleteCollection('ir')).rejects.toMatchObject({ code: 'collection_not_empty', status: 409 })
      // the refusal changed nothing
      expect((await corpus.listDocuments(['ir'])).length).toBe(2)
      if (factory.namespaces !== undefined) expect(factory.namespaces().filter((n) => n.endsWith('__ir'))).toHaveLength(1)
      expect([...((await corpus.deleteCollection('ir', { force: true })) ?? [])].sort()).toEqual(['ir/one', 'ir/two'])
      await settle()
      // one namespace per collection: created by the first write, gone with the collection
      if (factory.namespaces !== undefined) expect(factory.namespaces().filter((n) => n.endsWith('__ir'))).toEqual([])
      expect(ids(await corpus.keywordSearch({ terms: ['revenue'], limit: 10 }))).toEqual(['keep'])
      expect(await corpus.getDocument('ir/one')).toBeUndefined()
      expect((await corpus.listCollections()).map((c) => c.name)).toEqual(['default', 'finance'])
      expect(await corpus.deleteCollection('finance')).toEqual([])
      expect(await corpus.deleteCollection('finance')).toBeUndefined()
      expect(await corpus.deleteCollection('never-made')).toBeUndefined()
      // a deleted collection's name starts afresh
      const again = await corpus.commitVersion(commitInput('ir/one', 'o2', ['Revenue grew again']))
      expect(again).toMatchObject({ version: 1, status: 'ingested' })
      if (factory.namespaces !== undefined) expect(factory.namespaces().filter((n) => n.endsWith('__ir'))).toHaveLength(1)
    })

    it('moves the revision with a change in any collection', async () => {
      const revision = async (): Promise<string | undefined> => corpus.revision?.()
      await corpus.commitVersion(commitInput('a', 'a1', ['alpha']))
      const before = await revision()
      await corpus.commitVersion(commitInput('ir/a', 'b1', ['alpha']))
      const afterIr = await revision()
      expect(afterIr).not.toBe(before)
      await corpus.deleteCollection('ir', { force: true })
      expect(await revision()).toBe(before)
    })

    it('a scoped view sees, fetches, deletes and writes nothing outside its collections', async () => {
      await corpus.commitVersion(commitInput('secret', 's1', ['Merger talks with Gamma']))
      await corpus.commitVersion(commitInput('ir/public', 'p1', ['Merger completed as announced']))
      await settle()
      const ir = scopedCorpus(corpus, ['ir'])
      expect(ids(await ir.keywordSearch({ terms: ['merger'], limit: 10 }))).toEqual(['ir/public'])
      // a filter naming a document outside cannot reach it
      expect(await ir.keywordSearch({ terms: ['merger'], limit: 10, filter: { documentIds: ['secret'] } })).toEqual([])
      expect(await ir.getDocument('secret')).toBeUndefined()
      expect(await ir.getChunks('secret', [0])).toEqual([])
      expect((await ir.listDocuments()).map((d) => d.id)).toEqual(['ir/public'])
      expect((await ir.listDocuments(['default'])).map((d) => d.id)).toEqual([])
      expect((await ir.listCollections()).map((c) => c.name)).toEqual(['ir'])
      expect(await ir.deleteDocument('secret')).toBe(false)
      expect(await ir.deleteCollection('default', { force: true })).toBeUndefined()
      await expect(ir.commitVersion(commitInput('planted', 'x', ['planted text']))).rejects.toMatchObject({
        code: 'collection_not_found',
        status: 404,
      })
      await settle()
      expect((await corpus.listDocuments()).map((d) => d.id)).toEqual(['ir/public', 'secret'])
    })
  })
}
