import type { ChunkHit, Corpus } from '../corpus.js'
import { SameObjectMemo, type ChunkRecord } from '../documents.js'
import type { RetrievedSource } from './retriever.js'

/** Chunks of one document that start on the same page: one source. */
export interface SourceGroup {
  readonly hits: ChunkHit[]
  readonly score: number
}

/**
 * Ranked chunks → page-sized groups, best first. Chunks of one document starting on the same page form
 * one group, so the top k are k different places and a source never spans more than its chunks do.
 */
export function groupByPage(fused: readonly { item: ChunkHit; score: number }[], topK: number): SourceGroup[] {
  const byDocument = new Map<string, Map<number, SourceGroup>>()
  const groups: SourceGroup[] = []
  for (const { item, score } of fused) {
    let byPage = byDocument.get(item.documentId)
    if (byPage === undefined) byDocument.set(item.documentId, (byPage = new Map<number, SourceGroup>()))
    const group = byPage.get(item.chunk.pageStart)
    if (group !== undefined) group.hits.push(item)
    else if (groups.length < topK) {
      const created = { hits: [item], score }
      byPage.set(item.chunk.pageStart, created)
      groups.push(created)
    }
  }
  return groups
}

export function toSource(group: SourceGroup, texts: SourceTexts): RetrievedSource {
  const first = group.hits[0]
  if (first === undefined) throw new Error('a source needs at least one chunk')
  const chunks = group.hits.map((h) => h.chunk).sort((a, b) => a.ordinal - b.ordinal)
  return {
    documentId: first.documentId,
    version: first.version,
    meta: first.meta,
    pageStart: Math.min(...chunks.map((c) => c.pageStart)),
    pageEnd: Math.max(...chunks.map((c) => c.pageEnd)),
    sectionPath: first.chunk.sectionPath,
    text: texts.join(chunks),
    ordinals: chunks.map((c) => c.ordinal),
    score: group.score,
  }
}

/**
 * A source's text, joined once per set of chunk objects and owned by the retriever that builds sources:
 * by the same-object rule (see `ChunkRecord`) the same chunks give the same string object every time, so
 * the text-keyed caches downstream hash it once and compare it by pointer. Kept per first chunk object,
 * at most 8 combinations each; entries go with their chunks.
 */
export class SourceTexts {
  readonly #joined = new SameObjectMemo<ChunkRecord, { readonly rest: readonly ChunkRecord[]; readonly text: string }[]>()

  join(chunks: readonly ChunkRecord[]): string {
    const first = chunks[0]
    if (first === undefined || chunks.length === 1) return joinChunks(chunks)
    const seen = this.#joined.get(first, () => [])
    const rest = chunks.slice(1)
    const hit = seen.find((e) => e.rest.length === rest.length && e.rest.every((c, i) => c === rest[i]))
    if (hit !== undefined) return hit.text
    const text = joinChunks(chunks)
    if (seen.length >= 8) seen.shift()
    seen.push({ rest, text })
    return text
  }
}

/** Joins chunks in document order, dropping the overlap a chunk repeats from its predecessor. */
export function joinChunks(chunks: readonly Pick<ChunkRecord, 'text' | 'charStart' | 'charEnd'>[]): string {
  let out = ''
  let end = Number.NEGATIVE_INFINITY
  for (const c of chunks) {
    if (c.charEnd <= end) continue
    const skip = Math.max(0, end - c.charStart)
    const piece = c.text.slice(skip)
    out = out.length === 0 ? piece : `${out}${skip > 0 ? '' : '\n\n'}${piece}`
    end = c.charEnd
  }
  return out
}

/**
 * Adds to each group its neighbouring chunks that lie within the group's page span: a hit on the lower
 * half of a statement page then carries the statement's title and column headings, and the span does
 * not grow. One `getChunks` call per document.
 */
export async function expandNeighbours(corpus: Corpus, groups: readonly SourceGroup[]): Promise<SourceGroup[]> {
  const wanted = new Map<string, Set<number>>()
  const bounds = groups.map((g) => {
    const ordinals = g.hits.map((h) => h.chunk.ordinal)
    const lo = Math.min(...ordinals)
    const hi = Math.max(...ordinals)
    const documentId = g.hits[0]?.documentId ?? ''
    const set = wanted.get(documentId) ?? new Set<number>()
    if (lo > 0) set.add(lo - 1)
    set.add(hi + 1)
    wanted.set(documentId, set)
    return { documentId, lo, hi }
  })
  const fetched = new Map<string, Map<number, ChunkHit>>()
  await Promise.all(
    [...wanted].map(async ([documentId, ordinals]) => {
      const hits = await corpus.getChunks(documentId, [...ordinals])
      fetched.set(documentId, new Map(hits.map((h) => [h.chunk.ordinal, h])))
    }),
  )
  return groups.map((g, i) => {
    const b = bounds[i]
    const first = g.hits[0]
    if (b === undefined || first === undefined) return g
    const pageStart = Math.min(...g.hits.map((h) => h.chunk.pageStart))
    const pageEnd = Math.max(...g.hits.map((h) => h.chunk.pageEnd))
    const extra = [b.lo - 1, b.hi + 1]
      .map((o) => fetched.get(b.documentId)?.get(o))
      .filter(
        (h): h is ChunkHit =>
          h !== undefined && h.version === first.version && h.chunk.pageStart >= pageStart && h.chunk.pageEnd <= pageEnd,
      )
    return extra.length === 0 ? g : { hits: [...g.hits, ...extra], score: g.score }
  })
}
