import { collectionNotFound, collectionOf, type CollectionScope } from './collections.js'
import type { Corpus, SearchFilter } from './corpus.js'
import { SameObjectMemo } from './documents.js'

/**
 * The corpus as a caller limited to some collections sees it: the one place a key's collections are
 * enforced. Outside them a document does not exist — get resolves undefined, delete false, getChunks
 * nothing, a commit or a collection operation fails with `collection_not_found` (404) — and searches
 * and listings carry the allowed set into the store's own query. With scope `all` the corpus itself is
 * returned, so single-team use pays nothing.
 */
export function scopedCorpus(corpus: Corpus, scope: CollectionScope): Corpus {
  if (scope === 'all') return corpus
  const allowed = new Set(scope)
  const visible = (key: string): boolean => allowed.has(collectionOf(key))
  const within = (requested: readonly string[] | undefined): readonly string[] =>
    requested === undefined ? scope : requested.filter((c) => allowed.has(c))
  // A retrieval sends one filter object with each of its searches and stores memoise per object (the
  // same-object rule, see ChunkRecord), so the narrowed filter is made once per object too.
  const narrowed = new SameObjectMemo<SearchFilter, SearchFilter>()
  const unscoped: SearchFilter = { collections: scope }
  const filterOf = (filter: SearchFilter | undefined): SearchFilter =>
    filter === undefined ? unscoped : narrowed.get(filter, (f) => ({ ...f, collections: within(f.collections) }))
  const check = (collection: string): void => {
    if (!allowed.has(collection)) throw collectionNotFound(collection)
  }

  return {
    kind: corpus.kind,
    async getDocument(id) {
      return visible(id) ? corpus.getDocument(id) : undefined
    },
    listDocuments: (collections) => corpus.listDocuments(within(collections)),
    async listCollections() {
      return (await corpus.listCollections()).filter((c) => allowed.has(c.name))
    },
    async createCollection(name) {
      check(name)
      return corpus.createCollection(name)
    },
    async deleteCollection(name, options) {
      return allowed.has(name) ? corpus.deleteCollection(name, options) : undefined
    },
    async commitVersion(input) {
      check(collectionOf(input.documentId))
      return corpus.commitVersion(input)
    },
    async deleteDocument(id) {
      return visible(id) ? corpus.deleteDocument(id) : false
    },
    keywordSearch: (query) => corpus.keywordSearch({ ...query, filter: filterOf(query.filter) }),
    vectorSearch: (query) => corpus.vectorSearch({ ...query, filter: filterOf(query.filter) }),
    ...(corpus.hybridSearch === undefined
      ? {}
      : { hybridSearch: (query) => corpus.hybridSearch!({ ...query, filter: filterOf(query.filter) }) }),
    ...(corpus.revision === undefined ? {} : { revision: () => corpus.revision!() }),
    async getChunks(documentId, ordinals) {
      return visible(documentId) ? corpus.getChunks(documentId, ordinals) : []
    },
    cachedEmbeddings: (model, hashes) => corpus.cachedEmbeddings(model, hashes),
    close: () => corpus.close(),
  }
}
