import type { CommitInput, SearchFilter } from '../corpus.js'
import type { ChunkKey } from '../catalog.js'
import type { SparseVector } from '../sparse/bm25-encoder.js'
import type { IndexRecord, Metadata, MetadataFilter } from '../vector-index.js'

/**
 * How corpus chunks look inside a vector index: ids `docId#version#ordinal` (the document id
 * URI-encoded so a `#` in it cannot break prefix listing), and metadata carrying what filters and
 * citations need. Full chunk text stays in the registry; the metadata copy is truncated to fit the
 * per-record limit and is there for people browsing the index, not for answers.
 */
export function versionPrefix(documentId: string, version?: number): string {
  return version === undefined ? `${encodeURIComponent(documentId)}#` : `${encodeURIComponent(documentId)}#${version}#`
}

export function recordId(documentId: string, version: number, ordinal: number): string {
  return `${versionPrefix(documentId, version)}${ordinal}`
}

export function keyFromMetadata(metadata: Metadata): ChunkKey | undefined {
  const { documentId, version, ordinal } = metadata
  if (typeof documentId !== 'string' || typeof version !== 'number' || typeof ordinal !== 'number') return undefined
  return { documentId, version, ordinal }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= maxBytes) return text
  let end = maxBytes
  // step back over UTF-8 continuation bytes (10xxxxxx)
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}

/** Company and document type match case-insensitively, as in the SQLite store. */
const fold = (s: string): string => s.toLowerCase()

export function buildRecords(
  input: CommitInput,
  version: number,
  sparse: readonly SparseVector[],
  options: { readonly denseDims: number | undefined; readonly textBytes: number },
): IndexRecord[] {
  const m = input.meta
  const dense = options.denseDims !== undefined
  // A dense index needs dense values on every record. BM25-only chunks get a fixed unit vector and no
  // `model` field, so dense and hybrid searches (which filter on model) never return them.
  const placeholder = dense ? Array.from({ length: options.denseDims }, (_, i) => (i === 0 ? 1 : 0)) : undefined
  return input.chunks.map((c, i) => {
    const metadata: Metadata = {
      documentId: input.documentId,
      version,
      ordinal: c.ordinal,
      pageStart: c.pageStart,
      pageEnd: c.pageEnd,
      // titles and section paths come from the document: bound them so metadata stays under the limit
      title: truncateUtf8(m.title, 1024),
      section: truncateUtf8(c.sectionPath.join(' > '), 2048),
      text: truncateUtf8(c.text, options.textBytes),
      ...(m.company === undefined ? {} : { company: fold(m.company) }),
      ...(m.fiscalYear === undefined ? {} : { fiscalYear: m.fiscalYear }),
      ...(m.docType === undefined ? {} : { docType: fold(m.docType) }),
      ...(dense && input.embeddings !== undefined ? { model: input.embeddings.model } : {}),
    }
    const vector = dense ? (input.embeddings?.vectors[i] ?? placeholder) : undefined
    const sv = sparse[i]
    return {
      id: recordId(input.documentId, version, c.ordinal),
      ...(vector === undefined ? {} : { dense: Array.from(vector) }),
      ...(sv === undefined ? {} : { sparse: sv }),
      metadata,
    }
  })
}

/**
 * The index filter for a search: the caller's filter, AND every unsettled document pinned to its
 * active version (one with none yet is excluded), so lingering old vectors and not-yet-active new ones
 * never surface.
 */
export function buildFilter(
  filter: SearchFilter | undefined,
  unsettled: ReadonlyMap<string, number | null>,
  model?: string,
): MetadataFilter | undefined {
  const clauses: MetadataFilter[] = []
  const add = (field: string, values: readonly (string | number)[] | undefined): void => {
    if (values !== undefined && values.length > 0) clauses.push({ [field]: { $in: [...values] } })
  }
  add('documentId', filter?.documentIds)
  add('company', filter?.company?.map(fold))
  add('fiscalYear', filter?.fiscalYear)
  add('docType', filter?.docType?.map(fold))
  if (model !== undefined) clauses.push({ model: { $eq: model } })
  if (unsettled.size > 0) {
    const pinned = [...unsettled].flatMap(([documentId, version]) =>
      version === null ? [] : [{ $and: [{ documentId: { $eq: documentId } }, { version: { $eq: version } }] }],
    )
    clauses.push({ $or: [{ documentId: { $nin: [...unsettled.keys()] } }, ...pinned] })
  }
  if (clauses.length === 0) return undefined
  return clauses.length === 1 ? clauses[0] : { $and: clauses }
}
