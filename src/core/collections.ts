import { AppError } from '../errors.js'

/**
 * Collections: every document belongs to exactly one, and document ids are unique within it. Stores key a
 * document by `documentKey(collection, id)`: the bare id in the default collection (so a store written
 * before collections existed reads unchanged) and `collection/id` elsewhere. A document id cannot hold a
 * `/` (see isValidDocumentId), so keys of different collections never collide, and each store derives its
 * `collection` column from the key with one SQL expression (collectionSql) instead of every writer
 * passing it along.
 */
export const DEFAULT_COLLECTION = 'default'

/** lowercase, URL- and namespace-safe; `/` is reserved as the key separator */
export function isValidCollectionName(name: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)
}

export function checkCollectionName(name: string): string {
  if (!isValidCollectionName(name)) {
    throw new AppError(
      'invalid_collection',
      `collection "${name}" is not a valid name: use 1–63 lowercase letters, digits, "-" or "_", starting with a letter or digit`,
      { status: 400 },
    )
  }
  return name
}

export function documentKey(collection: string, id: string): string {
  return collection === DEFAULT_COLLECTION ? id : `${collection}/${id}`
}

export function parseDocumentKey(key: string): { readonly collection: string; readonly id: string } {
  const slash = key.indexOf('/')
  return slash < 0 ? { collection: DEFAULT_COLLECTION, id: key } : { collection: key.slice(0, slash), id: key.slice(slash + 1) }
}

export function collectionOf(key: string): string {
  const slash = key.indexOf('/')
  return slash < 0 ? DEFAULT_COLLECTION : key.slice(0, slash)
}

/** The collection of a document key as SQL, for a generated column (the same rule as collectionOf). */
export function collectionSql(column: string, dialect: 'sqlite' | 'postgres'): string {
  const pos = dialect === 'sqlite' ? `instr(${column}, '/')` : `strpos(${column}, '/')`
  return `CASE WHEN ${pos} > 0 THEN substr(${column}, 1, ${pos} - 1) ELSE '${DEFAULT_COLLECTION}' END`
}

export interface CollectionSummary {
  readonly name: string
  /** active documents */
  readonly documents: number
}

/**
 * Which collections a caller may see: `all` (keys made without `--collections`, open mode, the CLI) or a
 * fixed list. Enforced below the routes by scopedCorpus and the retriever's filter.
 */
export type CollectionScope = 'all' | readonly string[]

export function scopeAllowsCollection(scope: CollectionScope, collection: string): boolean {
  return scope === 'all' || scope.includes(collection)
}

/**
 * The collections a request searches: the one it names (which must be in scope: otherwise it does not
 * exist as far as the caller can tell), else everything in scope.
 */
export function searchCollections(scope: CollectionScope, named: string | undefined): 'all' | readonly string[] {
  if (named === undefined) return scope
  if (!scopeAllowsCollection(scope, named)) throw collectionNotFound(named)
  return [named]
}

/**
 * The collection a request acts on when it names none: `default` when the scope covers it, else the
 * scope's only collection; a key for several collections (none of them `default`) must name one.
 */
export function targetCollection(scope: CollectionScope, named: string | undefined): string {
  if (named !== undefined) {
    checkCollectionName(named)
    if (!scopeAllowsCollection(scope, named)) throw collectionNotFound(named)
    return named
  }
  if (scopeAllowsCollection(scope, DEFAULT_COLLECTION)) return DEFAULT_COLLECTION
  if (scope !== 'all' && scope.length === 1 && scope[0] !== undefined) return scope[0]
  throw new AppError(
    'collection_required',
    `this key covers several collections (${scope === 'all' ? '' : scope.join(', ')}): name one with "collection"`,
    { status: 400 },
  )
}

/** 404, never 403: a caller must not learn that a collection it may not see exists. */
export function collectionNotFound(name: string): AppError {
  return new AppError('collection_not_found', `no collection "${name}"; list yours with GET /v1/collections`, { status: 404 })
}

export function collectionNotEmpty(name: string, documents: number): AppError {
  return new AppError(
    'collection_not_empty',
    `collection "${name}" holds ${documents} document(s): delete them first, or delete the collection with --force (HTTP: ?force=true)`,
    { status: 409 },
  )
}
