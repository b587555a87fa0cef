import Database, { type Statement } from 'better-sqlite3'
import type { Db } from './database.js'
import { COLUMN_SHIFT, readIndexParts, type IndexParts } from './fts-index-parts.js'
import type { BoundedCache, CacheRegistry } from '../../core/bounded-cache.js'
import { SameObjectMemo } from '../../core/documents.js'
import {
  atRow,
  better,
  continuesAt,
  disjoint,
  firstRowWithAll,
  lowerBound,
  mergePostings,
  siftDown,
  siftUp,
  swap,
  type Postings,
  type RowHits,
} from './postings.js'

/** Chunk-id ranges a search may rank in (inclusive); undefined: every chunk. */
export type IdRanges = readonly (readonly [number, number])[] | undefined

/** Rows found by a search, best first: `ids[k]` scored `scores[k]` (`bm25()` negated: higher is better). */
export interface RankedRows {
  readonly ids: readonly number[]
  readonly scores: readonly number[]
}

/** A chunk row as the FTS5 table indexes it: its id and its two columns. */
export interface IndexedRow {
  readonly id: number
  readonly header: string
  readonly text: string
}

/** A searched phrase, resolved once per index: its tokens' postings and its IDF. */
interface Phrase {
  readonly first: Postings
  /** postings of the second token onwards (empty for one word) */
  readonly rest: readonly Postings[]
  readonly idf: number
}

/** A phrase text's tokens, and what they resolved to after `writes` writes. */
interface PhraseEntry {
  readonly tokens: readonly string[]
  resolved: Phrase | false
  writes: number
}

const K1 = 1.2
const B = 0.75
const EVERYTHING: readonly (readonly [number, number])[] = [[0, Number.MAX_SAFE_INTEGER]]
/**
 * Postings (rows) a write may make `apply` copy by default: 10-25 ms of the event loop (2 million took
 * 100 ms on a busy 2-core machine). A write touching more (a large document among common words in a large
 * index) retires the index to a reload on a worker instead.
 */
export const MAX_APPLIED_POSTINGS = 500_000

/**
 * The FTS5 index of `chunks_fts`, read once into memory, ranking exactly as the SQL `bm25()` does (same
 * tokens — read from the index itself through fts5vocab —, same IDF, document length and column
 * weights), so a search costs the postings of the searched ranges instead of FTS5 loading every query
 * term's whole doclist (bench/scale/run.ts measures retrieval with and without it).
 *
 * A snapshot: the owner applies the rows its own writes added and removed (`apply`), and reads it again
 * when the store changed otherwise (see `corpus-snapshot.ts`).
 */
export class FtsMemoryIndex {
  readonly #postings: Map<string, Postings>
  /** token instances per row (both columns), by chunk id */
  #rowLength: Float64Array
  /** the BM25 length normalisation of each row, K1 * (1 - B + B * length / average length) */
  #norm: Float64Array = new Float64Array(0)
  #rows: number
  readonly #tokenizer: Db
  readonly #insert: Statement<[number, string]>
  readonly #terms: Statement<[], { doc: number; term: string }>
  readonly #clear: Statement<[]>
  readonly #insertRow: Statement<[number, string, string]>
  readonly #rowTerms: Statement<[], { term: string; doc: number; col: string; offset: number }>
  readonly #clearRows: Statement<[]>
  readonly #weights: { readonly header: number; readonly text: number }
  /**
   * Searched phrases by text: their tokens, which only the tokenizer decides (kept across writes), and
   * what they resolve to in the index as of `#writes` writes (false: no token, or a token the index lacks).
   */
  readonly #phrases: BoundedCache<string, PhraseEntry>
  /** writes applied so far: a phrase resolved before the last one is resolved again from its tokens */
  #writes = 0
  /** one-word phrases' bm25 term per posting, by the word's postings (one object per token: the same-object rule, see ChunkRecord) */
  #contribution = new SameObjectMemo<Postings, Float64Array>()
  /** per-search scratch, indexed by chunk id, left zeroed after each search */
  #scores: Float64Array = new Float64Array(0)
  #touched: Uint8Array = new Uint8Array(0)
  #touchedIds: Int32Array = new Int32Array(0)
  /** instances held (the memory it holds is ~16 bytes each) */
  instances: number

  private constructor(parts: IndexParts, weights: { readonly header: number; readonly text: number }, caches: CacheRegistry) {
    this.#phrases = caches.create('keyword.phrases')
    this.#postings = new Map()
    parts.terms.forEach((term, t) => {
      const from = parts.termStart[t] ?? 0
      const to = parts.termStart[t + 1] ?? from
      this.#postings.set(term, {
        rows: parts.rowIds.subarray(from, to),
        weighted: parts.weighted.subarray(from, to),
        posStart: parts.posStart.subarray(from, to + 1),
        pos: parts.pos,
      })
    })
    this.#weights = weights
    this.#rows = parts.rows
    this.#rowLength = parts.rowLength
    this.instances = parts.pos.length
    this.#sized()
    // A private in-memory FTS5 table with the store's tokenizer turns query words into index tokens, and
    // one with the store's columns turns rows written by this process into postings.
    this.#tokenizer = new Database(':memory:')
    this.#tokenizer.exec(`CREATE VIRTUAL TABLE q USING fts5(x, tokenize=${parts.tokenize});
      CREATE VIRTUAL TABLE q_terms USING fts5vocab(q, instance);
      CREATE VIRTUAL TABLE r USING fts5(header, text, tokenize=${parts.tokenize});
      CREATE VIRTUAL TABLE r_terms USING fts5vocab(r, instance);`)
    this.#insert = this.#tokenizer.prepare('INSERT INTO q (rowid, x) VALUES (?, ?)')
    this.#terms = this.#tokenizer.prepare('SELECT doc, term FROM q_terms ORDER BY doc, offset')
    this.#clear = this.#tokenizer.prepare('DELETE FROM q')
    this.#insertRow = this.#tokenizer.prepare('INSERT INTO r (rowid, header, text) VALUES (?, ?, ?)')
    this.#rowTerms = this.#tokenizer.prepare('SELECT term, doc, col, offset FROM r_terms')
    this.#clearRows = this.#tokenizer.prepare('DELETE FROM r')
  }

  /** Length normalisations from the row lengths, and scratch arrays as long as the row ids. */
  #sized(): void {
    const size = this.#rowLength.length
    if (this.#scores.length !== size) {
      this.#scores = new Float64Array(size)
      this.#touched = new Uint8Array(size)
      this.#touchedIds = new Int32Array(size)
    }
    let total = 0
    for (const n of this.#rowLength) total += n
    const avgLength = this.#rows === 0 ? 1 : total / this.#rows
    // the same expression FTS5's fts5Bm25Function evaluates per row, once per row instead of per hit
    this.#norm = new Float64Array(size)
    for (let row = 0; row < size; row++) this.#norm[row] = K1 * (1 - B + (B * (this.#rowLength[row] ?? 0)) / avgLength)
  }

  /**
   * Applies a write made through this process: `removed` rows leave, `added` rows (ids above every row
   * held) join, as FTS5's triggers did in the store, so searches rank exactly as a fresh read of the store
   * would. Costs the postings of the tokens those rows hold, not a read of the whole index. False, with
   * nothing changed, when it cannot (an added id already held) or those postings are over
   * `maxPostings`: the owner then reads the index again.
   */
  apply(
    change: { readonly added: readonly IndexedRow[]; readonly removed: readonly IndexedRow[] },
    maxPostings = MAX_APPLIED_POSTINGS,
  ): boolean {
    const top = this.#rowLength.length - 1
    if (change.added.some((r) => r.id <= top && (this.#rowLength[r.id] ?? 0) > 0)) return false
    const removedIds = change.removed.map((r) => r.id)
    const removedInstances = this.#tokenize(change.removed)
    const addedInstances = this.#tokenize(change.added)
    const touched = new Set<string>()
    for (const { term } of removedInstances) touched.add(term)
    for (const { term } of addedInstances) touched.add(term)
    // the postings copied: past the budget, a reload on a worker costs the event loop less
    let cost = 0
    for (const term of touched) cost += this.#postings.get(term)?.rows.length ?? 0
    if (cost > maxPostings) return false
    for (const { doc } of removedInstances) {
      this.instances--
      if (doc <= top) this.#rowLength[doc] = 0
    }
    // instances come by term, then row, column and offset (as the loader reads them): rows ascending
    const added = new Map<string, RowHits[]>()
    const lengths = new Map<number, number>()
    const colWeight = { header: this.#weights.header, text: this.#weights.text }
    for (const { term, doc, col, offset } of addedInstances) {
      let hits = added.get(term)
      if (hits === undefined) added.set(term, (hits = []))
      let last = hits[hits.length - 1]
      if (last?.row !== doc) hits.push((last = { row: doc, weighted: 0, pos: [] }))
      ;(last as { weighted: number }).weighted += col === 'header' ? colWeight.header : colWeight.text
      ;(last.pos as number[]).push((col === 'header' ? 0 : 1) * COLUMN_SHIFT + offset)
      lengths.set(doc, (lengths.get(doc) ?? 0) + 1)
      this.instances++
    }
    for (const term of touched) {
      const merged = mergePostings(this.#postings.get(term), removedIds, added.get(term) ?? [])
      if (merged === undefined) this.#postings.delete(term)
      else this.#postings.set(term, merged)
    }
    let maxId = top
    for (const r of change.added) if (r.id > maxId) maxId = r.id
    if (maxId > top) {
      const grown = new Float64Array(maxId + 1)
      grown.set(this.#rowLength)
      this.#rowLength = grown
    }
    for (const [row, n] of lengths) this.#rowLength[row] = n
    this.#rows += change.added.length - removedIds.length
    // every IDF and every length normalisation moved with the row count and the average length (a
    // phrase's tokens did not: they are resolved again from them)
    this.#writes++
    this.#contribution = new SameObjectMemo()
    this.#sized()
    return true
  }

  /** The FTS5 instances of rows, by term, row, column and offset, from the store's tokenizer. */
  #tokenize(rows: readonly IndexedRow[]): { term: string; doc: number; col: string; offset: number }[] {
    if (rows.length === 0) return []
    for (const r of rows) this.#insertRow.run(r.id, r.header, r.text)
    const out = this.#rowTerms.all()
    this.#clearRows.run()
    return out
  }

  static fromParts(parts: IndexParts, weights: { readonly header: number; readonly text: number }, caches: CacheRegistry): FtsMemoryIndex {
    return new FtsMemoryIndex(parts, weights, caches)
  }

  /** Reads and builds on this thread (a `:memory:` store, tests); `readIndexParts` runs in a worker otherwise. */
  static build(db: Db, weights: { header: number; text: number }, maxInstances: number, caches: CacheRegistry): FtsMemoryIndex | undefined {
    const parts = readIndexParts(db, weights, maxInstances)
    return parts === undefined ? undefined : new FtsMemoryIndex(parts, weights, caches)
  }

  /**
   * Top `limit` rows by bm25 for the OR of `phrases` (each a phrase's words joined by spaces, as
   * `ftsPhrases` gives them), ranked only inside `ranges`; scores are `bm25()` negated (higher is
   * better), best first, ties by ascending id.
   */
  searchPhrases(phrases: readonly string[], ranges: IdRanges, limit: number): RankedRows {
    const resolved = this.#resolve(phrases)
    const within = ranges ?? EVERYTHING
    const separate = disjoint(within)
    let touched = 0
    // Phrase by phrase, as FTS5 sums them, so the floating-point result is the same.
    for (const text of phrases) {
      const phrase = resolved.get(text)
      if (phrase === undefined || phrase === false) continue
      if (phrase.rest.length > 0) touched = this.#addPhrase(phrase, within, touched)
      else if (separate) touched = this.#addTerm(phrase, within, touched)
      else touched = this.#addTermSummed(phrase, within, touched)
    }
    return this.#top(touched, limit)
  }

  close(): void {
    this.#tokenizer.close()
  }

  /**
   * Adds a one-word phrase's score to every row of the ranges holding it; returns the touched count.
   * Ranges that do not overlap hold each row once, so a row's score is its posting's precomputed term.
   */
  #addTerm(phrase: Phrase, ranges: readonly (readonly [number, number])[], touchedCount: number): number {
    const { rows } = phrase.first
    const contribution = this.#contributions(phrase)
    const scores = this.#scores
    const flags = this.#touched
    const ids = this.#touchedIds
    let touched = touchedCount
    for (const [lo, hi] of ranges) {
      for (let i = lo <= 0 ? 0 : lowerBound(rows, lo); i < rows.length; i++) {
        const r = rows[i] as number
        if (r > hi) break
        if (flags[r] === 0) {
          flags[r] = 1
          ids[touched++] = r
        }
        scores[r] = (scores[r] as number) + (contribution[i] as number)
      }
    }
    return touched
  }

  /** `#addTerm` for ranges that overlap: a row met twice in a row has its hits summed first, as before saturation. */
  #addTermSummed(phrase: Phrase, ranges: readonly (readonly [number, number])[], touchedCount: number): number {
    const { rows, weighted } = phrase.first
    let touched = touchedCount
    let row = -1
    let x = 0
    for (const [lo, hi] of ranges) {
      for (let i = lo <= 0 ? 0 : lowerBound(rows, lo); i < rows.length; i++) {
        const r = rows[i] as number
        if (r > hi) break
        if (r !== row) {
          if (row >= 0) touched = this.#add(row, phrase.idf, x, touched)
          row = r
          x = 0
        }
        x += weighted[i] as number
      }
    }
    if (row >= 0) touched = this.#add(row, phrase.idf, x, touched)
    return touched
  }

  /** A one-word phrase's bm25 term for each of its postings (x = the posting's weighted count), computed once. */
  #contributions(phrase: Phrase): Float64Array {
    return this.#contribution.get(phrase.first, ({ rows, weighted }) => {
      const c = new Float64Array(rows.length)
      for (let i = 0; i < rows.length; i++) {
        const x = weighted[i] as number
        // the same operation order as FTS5's fts5Bm25Function, so scores agree to the last bit
        c[i] = phrase.idf * ((x * (K1 + 1)) / (x + (this.#norm[rows[i] as number] as number)))
      }
      return c
    })
  }

  /** Adds a multi-word phrase's score to every row of the ranges holding it in full; returns the touched count. */
  #addPhrase(phrase: Phrase, ranges: readonly (readonly [number, number])[], touchedCount: number): number {
    const { first, rest, idf } = phrase
    const header = this.#weights.header
    const text = this.#weights.text
    let touched = touchedCount
    let row = -1
    let x = 0
    const lists = [first, ...rest]
    const at = new Int32Array(lists.length)
    for (const [lo, hi] of ranges) {
      atRow(lists, at, lo)
      // rows holding every word, in ascending order, walked along the shortest list
      for (let r = firstRowWithAll(lists, at, lo); r >= 0 && r <= hi; r = firstRowWithAll(lists, at, r + 1)) {
        const i = at[0] as number
        const end = first.posStart[i + 1] as number
        for (let s = first.posStart[i] as number; s < end; s++) {
          const start = first.pos[s] as number
          if (!continuesAt(lists, at, start)) continue
          if (r !== row) {
            if (row >= 0) touched = this.#add(row, idf, x, touched)
            row = r
            x = 0
          }
          x += start >= COLUMN_SHIFT ? text : header
        }
      }
    }
    if (row >= 0) touched = this.#add(row, idf, x, touched)
    return touched
  }

  #add(row: number, idf: number, x: number, touchedCount: number): number {
    const norm = this.#norm[row] as number
    let touched = touchedCount
    if (this.#touched[row] === 0) {
      this.#touched[row] = 1
      this.#touchedIds[touched++] = row
    }
    // the same operation order as FTS5's fts5Bm25Function, so scores agree to the last bit
    this.#scores[row] = (this.#scores[row] as number) + idf * ((x * (K1 + 1)) / (x + norm))
    return touched
  }

  /** The best `limit` touched rows, ranked (a bounded heap: a search may touch thousands), and the scratch reset. */
  #top(touched: number, limit: number): RankedRows {
    const scores = this.#scores
    const touchedIds = this.#touchedIds
    const size = Math.max(0, Math.min(limit, touched))
    // a heap of the best rows seen so far, the worst of them on top
    const heap: number[] = []
    let worst = Number.NEGATIVE_INFINITY
    for (let k = 0; k < touched; k++) {
      const id = touchedIds[k] as number
      if (heap.length < size) {
        heap.push(id)
        siftUp(heap, heap.length - 1, scores)
        if (heap.length === size) worst = scores[heap[0] as number] as number
      } else if (size > 0 && (scores[id] as number) >= worst && better(id, heap[0] as number, scores)) {
        heap[0] = id
        siftDown(heap, size, scores)
        worst = scores[heap[0]] as number
      }
    }
    // heapsort: the worst moves to the back, one by one, which leaves the best first
    for (let n = heap.length - 1; n > 0; n--) {
      swap(heap, 0, n)
      siftDown(heap, n, scores)
    }
    const ids: number[] = []
    const ranked: number[] = []
    for (let k = 0; k < heap.length; k++) {
      const id = heap[k] as number
      ids.push(id)
      ranked.push(scores[id] as number)
    }
    this.#reset(touched)
    return { ids, scores: ranked }
  }

  #reset(touched: number): void {
    const scores = this.#scores
    const flags = this.#touched
    const ids = this.#touchedIds
    for (let k = 0; k < touched; k++) {
      const id = ids[k] as number
      scores[id] = 0
      flags[id] = 0
    }
  }

  /**
   * The phrases resolved: those not seen yet are tokenized all in one pass through the tokenizer; those
   * resolved before the last write are resolved again from their tokens.
   */
  #resolve(phrases: readonly string[]): Map<string, Phrase | false> {
    const resolved = new Map<string, Phrase | false>()
    const fresh: string[] = []
    for (const text of phrases) {
      if (resolved.has(text)) continue
      const known = this.#phrases.get(text)
      if (known === undefined) {
        fresh.push(text)
        resolved.set(text, false)
        continue
      }
      if (known.writes !== this.#writes) {
        known.resolved = this.#phrase(known.tokens)
        known.writes = this.#writes
      }
      resolved.set(text, known.resolved)
    }
    if (fresh.length === 0) return resolved
    const tokens: string[][] = fresh.map(() => [])
    fresh.forEach((text, i) => this.#insert.run(i + 1, text))
    for (const { doc, term } of this.#terms.all()) tokens[doc - 1]?.push(term)
    this.#clear.run()
    fresh.forEach((text, i) => {
      const entry: PhraseEntry = { tokens: tokens[i] ?? [], resolved: false, writes: this.#writes }
      entry.resolved = this.#phrase(entry.tokens)
      this.#phrases.set(text, entry)
      resolved.set(text, entry.resolved)
    })
    return resolved
  }

  #phrase(tokens: readonly string[]): Phrase | false {
    const lists: Postings[] = []
    for (const t of tokens) {
      const p = this.#postings.get(t)
      if (p === undefined) return false
      lists.push(p)
    }
    const [first, ...rest] = lists
    if (first === undefined) return false
    // rows anywhere in the index holding the phrase: its IDF, as FTS5 counts it
    let hits = first.rows.length
    if (rest.length > 0) {
      hits = 0
      const all = [first, ...rest]
      const at = new Int32Array(all.length)
      atRow(all, at, 0)
      for (let r = firstRowWithAll(all, at, 0); r >= 0; r = firstRowWithAll(all, at, r + 1)) {
        const i = at[0] as number
        const end = first.posStart[i + 1] as number
        for (let s = first.posStart[i] as number; s < end; s++) {
          if (continuesAt(all, at, first.pos[s] as number)) {
            hits++
            break
          }
        }
      }
    }
    const raw = Math.log((this.#rows - hits + 0.5) / (hits + 0.5))
    return { first, rest, idf: raw <= 0 ? 1e-6 : raw }
  }
}
