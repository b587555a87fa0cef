import Database, { type Statement } from 'better-sqlite3'
import type { Db } from './database.js'
import { COLUMN_SHIFT, readIndexParts, type IndexParts } from './fts-index-parts.js'
import type { BoundedCache, CacheRegistry } from '../../core/bounded-cache.js'
import { SameObjectMemo } from '../../core/documents.js'
import {
  atRow,
  continuesAt,
  disjoint,
  firstRowWithAll,
  gallop,
  lowerBound,
  mergePostings,
  TopRows,
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

/**
 * A searched phrase, resolved once per index: the rows holding it, ascending, with its column-weighted
 * count in each (a one-word phrase: its token's postings, the same arrays; a longer one: its matches,
 * found once by walking its words' positions), and its IDF.
 */
interface Phrase {
  readonly rows: Int32Array
  readonly weighted: Float64Array
  readonly idf: number
  /** memory held for this phrase alone (a longer phrase's own arrays and their bm25 terms), for the cache's bound */
  readonly bytes: number
}

/** A phrase's bm25 term in each of its rows (in the order of `rows`), and the largest of them. */
interface Terms {
  readonly contribution: Float64Array
  readonly max: number
}

/** A phrase text's tokens, and what they resolved to after `writes` writes. */
interface PhraseEntry {
  readonly tokens: readonly string[]
  resolved: Phrase | false
  writes: number
}

/** The first walks of a pruned search hold at most 1/8, then 1/4, of its postings (`#maxScoreTop`). */
const PRUNE_SHARES = [8, 4]
/**
 * Searches over fewer chunks walk every list: there a whole walk costs tens of microseconds, and trying
 * to prune (a first walk, a floor) would cost about as much as it could save.
 */
export const PRUNE_MIN_ROWS = 20_000
/** What a pruning comparison leaves aside for rounding: sums in another order differ in their last bits only. */
const margin = (score: number): number => Math.abs(score) * 1e-9
const K1 = 1.2
const B = 0.75
/** Memory the resolved phrases may hold (a longer phrase keeps its matching rows: 20 bytes each). */
export const PHRASE_CACHE_BYTES = 64 * 1024 * 1024
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
  /** a phrase's bm25 terms, by its rows (one-word phrases share their token's: the same-object rule, see ChunkRecord) */
  #contribution = new SameObjectMemo<Int32Array, Terms>()
  /**
   * per-search scratch, indexed by chunk id, left zeroed after each search: a row's score so far (0: not
   * touched yet, as every bm25 term is above 0 with both column weights above 0) and the rows touched
   */
  #scores: Float64Array = new Float64Array(0)
  #touchedIds: Int32Array = new Int32Array(0)
  /** instances held (the memory it holds is ~16 bytes each) */
  instances: number

  private constructor(parts: IndexParts, weights: { readonly header: number; readonly text: number }, caches: CacheRegistry) {
    this.#phrases = caches.create('keyword.phrases', {
      maxSize: PHRASE_CACHE_BYTES,
      // as first resolved (resolved again after a write, a phrase holds about as much)
      sizeOf: (e) => (e.resolved === false ? 1 : e.resolved.bytes),
    })
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
   * better), best first, ties by ascending id. Searches over at least `pruneMinRows` chunks may pass over
   * rows that cannot make the top (see `#maxScoreTop`); the result is the same.
   */
  searchPhrases(phrases: readonly string[], ranges: IdRanges, limit: number, pruneMinRows = PRUNE_MIN_ROWS): RankedRows {
    const resolved = this.#resolve(phrases)
    const within = ranges ?? EVERYTHING
    const found: Phrase[] = []
    for (const text of phrases) {
      const phrase = resolved.get(text)
      if (phrase !== undefined && phrase !== false) found.push(phrase)
    }
    if (limit <= 0 || found.length === 0) return { ids: [], scores: [] }
    let touched = 0
    if (disjoint(within)) {
      const pruned = this.#covered(within) >= pruneMinRows ? this.#maxScoreTop(found, within, limit) : undefined
      if (pruned !== undefined) return pruned
      // Phrase by phrase, as FTS5 sums them, so the floating-point result is the same.
      for (const phrase of found) touched = this.#addTerm(phrase, within, touched)
    } else for (const phrase of found) touched = this.#addSummed(phrase, within, touched)
    return this.#top(touched, limit)
  }

  /**
   * The top `limit` rows without walking the longest lists, when their words cannot decide it (max-score
   * pruning): the phrases with the largest bm25 terms, holding at most 1/8 of the postings (then 1/4), are
   * walked first; the best rows they reach are scored in full (the other phrases looked up in them), and
   * the worst of the best `limit` of those is a floor the top cannot be below. When all the other phrases
   * together can add less than that floor to a row, a row those first ones did not reach cannot make the
   * top, nor can one they left more than that below it: only the rows left are scored, in full, phrase by
   * phrase in the query's order as FTS5 sums them (so ids, order and scores are those of `bm25()` to the
   * bit; the comparisons keep a margin far above the rounding of a sum in another order). Undefined, with
   * the scratch left zeroed, when the floor is too low: the caller then walks every phrase.
   */
  #maxScoreTop(found: readonly Phrase[], ranges: readonly (readonly [number, number])[], limit: number): RankedRows | undefined {
    const n = found.length
    if (n < 2) return undefined
    const terms = found.map((p) => this.#contributions(p))
    // the phrases by largest term, and how many postings a prefix of them holds
    const order = found.map((_, j) => j).sort((a, b) => (terms[b] as Terms).max - (terms[a] as Terms).max || a - b)
    let total = 0
    for (const p of found) total += p.rows.length
    const scores = this.#scores
    const ids = this.#touchedIds
    let first = 0
    let walked = 0
    let touched = 0
    let left = 0
    let floor = Number.NEGATIVE_INFINITY
    // a first walk of at most 1/8 of the postings, then, when its floor is too low, one of at most 1/4
    for (const share of PRUNE_SHARES) {
      const from = first
      while (first < n - 1 && (walked + (found[order[first] as number] as Phrase).rows.length) * share <= total) {
        walked += (found[order[first] as number] as Phrase).rows.length
        first++
      }
      if (first === from) continue
      for (let k = from; k < first; k++) touched = this.#addTerm(found[order[k] as number] as Phrase, ranges, touched)
      if (touched < limit) continue
      left = 0
      for (let k = first; k < n; k++) left += (terms[order[k] as number] as Terms).max
      floor = this.#floor(found, terms, order, first, touched, limit)
      if (floor - margin(floor) > left) break
    }
    if (!(floor - margin(floor) > left)) {
      for (let t = 0; t < touched; t++) scores[ids[t] as number] = 0
      return undefined
    }
    // rows that can still make the top: what they hold so far plus all that is left reaches the floor (the
    // others' scratch cleared on the way; the rows kept keep theirs until read)
    const reach = floor - margin(floor)
    let kept = 0
    for (let t = 0; t < touched; t++) {
      const id = ids[t] as number
      // (compacted in place: the list of rows touched is scratch too)
      if ((scores[id] as number) + left >= reach) ids[kept++] = id
      else scores[id] = 0
    }
    let rows = ids.subarray(0, kept).sort()
    let sums = new Float64Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const id = rows[i] as number
      sums[i] = scores[id] as number
      scores[id] = 0
    }
    // the other phrases looked up in those rows, largest terms first, dropping each row that falls out of reach
    for (let k = first; k < n && rows.length > limit; k++) {
      const j = order[k] as number
      addFound(found[j] as Phrase, (terms[j] as Terms).contribution, rows, sums)
      left -= (terms[j] as Terms).max
      let m = 0
      for (let i = 0; i < rows.length; i++) {
        if ((sums[i] as number) + left < reach) continue
        rows[m] = rows[i] as number
        sums[m++] = sums[i] as number
      }
      rows = rows.subarray(0, m)
      sums = sums.subarray(0, m)
    }
    const exact = new Float64Array(rows.length)
    for (let j = 0; j < n; j++) addFound(found[j] as Phrase, (terms[j] as Terms).contribution, rows, exact)
    const top = new TopRows(limit)
    for (let i = 0; i < exact.length; i++) top.offer(rows[i] as number, exact[i] as number)
    return top.ranked()
  }

  /** How many row ids the ranges cover (within the index). */
  #covered(ranges: readonly (readonly [number, number])[]): number {
    const last = this.#rowLength.length - 1
    let covered = 0
    for (const [lo, hi] of ranges) if (hi >= lo && lo <= last) covered += Math.min(hi, last) - Math.max(lo, 0) + 1
    return covered
  }

  /**
   * A floor for the top `limit`: the best 2 × limit rows of the walk so far (the phrases order[0..first)),
   * scored in full with the other phrases looked up in them; the worst of the best `limit` of those.
   */
  #floor(
    found: readonly Phrase[],
    terms: readonly Terms[],
    order: readonly number[],
    first: number,
    touched: number,
    limit: number,
  ): number {
    const scores = this.#scores
    const ids = this.#touchedIds
    const leaders = new TopRows(2 * limit)
    let least = leaders.floor
    for (let t = 0; t < touched; t++) {
      const id = ids[t] as number
      const score = scores[id] as number
      if (score < least) continue
      leaders.offer(id, score)
      least = leaders.floor
    }
    const leadRows = Int32Array.from(leaders.ranked().ids).sort()
    const full = new Float64Array(leadRows.length)
    for (let i = 0; i < leadRows.length; i++) full[i] = scores[leadRows[i] as number] as number
    for (let k = first; k < found.length; k++) {
      const j = order[k] as number
      addFound(found[j] as Phrase, (terms[j] as Terms).contribution, leadRows, full)
    }
    const best = new TopRows(limit)
    for (let i = 0; i < full.length; i++) best.offer(leadRows[i] as number, full[i] as number)
    return best.floor
  }

  close(): void {
    this.#tokenizer.close()
  }

  /**
   * Adds a phrase's score to every row of the ranges holding it; returns the touched count. Ranges that
   * do not overlap hold each row once, so a row's score is the phrase's precomputed bm25 term there.
   */
  #addTerm(phrase: Phrase, ranges: readonly (readonly [number, number])[], touchedCount: number): number {
    const { rows } = phrase
    const { contribution } = this.#contributions(phrase)
    const scores = this.#scores
    const ids = this.#touchedIds
    let touched = touchedCount
    for (const [lo, hi] of ranges) {
      for (let i = lo <= 0 ? 0 : lowerBound(rows, lo); i < rows.length; i++) {
        const r = rows[i] as number
        if (r > hi) break
        const score = scores[r] as number
        if (score === 0) ids[touched++] = r
        scores[r] = score + (contribution[i] as number)
      }
    }
    return touched
  }

  /**
   * Adds a phrase's score to every row of ranges that may overlap: a row met twice in a row has its hits
   * summed first, as before saturation.
   */
  #addSummed(phrase: Phrase, ranges: readonly (readonly [number, number])[], touchedCount: number): number {
    const { rows, weighted } = phrase
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

  /** A phrase's bm25 term in each of its rows (x = its weighted count there), and the largest: computed once per rows. */
  #contributions(phrase: Phrase): Terms {
    return this.#contribution.get(phrase.rows, (rows) => {
      const { weighted, idf } = phrase
      const contribution = new Float64Array(rows.length)
      let max = 0
      for (let i = 0; i < rows.length; i++) {
        const term = bm25Term(idf, weighted[i] as number, this.#norm[rows[i] as number] as number)
        contribution[i] = term
        if (term > max) max = term
      }
      return { contribution, max }
    })
  }

  #add(row: number, idf: number, x: number, touchedCount: number): number {
    let touched = touchedCount
    const score = this.#scores[row] as number
    if (score === 0) this.#touchedIds[touched++] = row
    this.#scores[row] = score + bm25Term(idf, x, this.#norm[row] as number)
    return touched
  }

  /** The best `limit` touched rows, ranked; every touched row's score is cleared on the way (the scratch is left zeroed). */
  #top(touched: number, limit: number): RankedRows {
    const scores = this.#scores
    const ids = this.#touchedIds
    const top = new TopRows(limit)
    let floor = top.floor
    for (let t = 0; t < touched; t++) {
      const id = ids[t] as number
      const score = scores[id] as number
      scores[id] = 0
      if (score < floor) continue
      top.offer(id, score)
      floor = top.floor
    }
    return top.ranked()
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
    const first = lists[0]
    if (first === undefined) return false
    if (lists.length === 1) return { rows: first.rows, weighted: first.weighted, idf: this.#idf(first.rows.length), bytes: 0 }
    // a longer phrase: the rows holding every word with the words in a run, and the runs' column weights
    const header = this.#weights.header
    const text = this.#weights.text
    const rows: number[] = []
    const weighted: number[] = []
    const at = new Int32Array(lists.length)
    atRow(lists, at, 0)
    for (let r = firstRowWithAll(lists, at, 0); r >= 0; r = firstRowWithAll(lists, at, r + 1)) {
      const i = at[0] as number
      const end = first.posStart[i + 1] as number
      let x = 0
      for (let s = first.posStart[i] as number; s < end; s++) {
        const start = first.pos[s] as number
        if (continuesAt(lists, at, start)) x += start >= COLUMN_SHIFT ? text : header
      }
      if (x > 0) {
        rows.push(r)
        weighted.push(x)
      }
    }
    // rows, counts and (once searched) bm25 terms: 4 + 8 + 8 bytes a row
    return { rows: Int32Array.from(rows), weighted: Float64Array.from(weighted), idf: this.#idf(rows.length), bytes: 64 + rows.length * 20 }
  }

  /** A phrase's IDF from the rows anywhere in the index holding it, as FTS5 computes it. */
  #idf(hits: number): number {
    const raw = Math.log((this.#rows - hits + 0.5) / (hits + 0.5))
    return raw <= 0 ? 1e-6 : raw
  }
}

/**
 * A phrase's bm25 term in a row: `x` its column-weighted count there, `norm` the row's length
 * normalisation. The same operation order as FTS5's fts5Bm25Function, so scores agree to the last bit.
 */
function bm25Term(idf: number, x: number, norm: number): number {
  return idf * ((x * (K1 + 1)) / (x + norm))
}

/**
 * Adds a phrase's bm25 term to `sums[i]` for every `rows[i]` (ascending) that holds it: a walk along the
 * phrase's rows when they are few, a gallop to each row otherwise.
 */
function addFound(phrase: Phrase, contribution: Float64Array, rows: Int32Array, sums: Float64Array): void {
  const list = phrase.rows
  let at = 0
  const walk = list.length <= rows.length * 8
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number
    if (walk) while (at < list.length && (list[at] as number) < r) at++
    else at = gallop(list, at, r)
    if (at >= list.length) return
    if (list[at] === r) sums[i] = (sums[i] as number) + (contribution[at] as number)
  }
}
