import Database from 'better-sqlite3'
import type { Db } from './database.js'

/** Chunk-id ranges a search may rank in (inclusive); undefined: every chunk. */
export type IdRanges = readonly (readonly [number, number])[] | undefined

/** A token's postings: rows ascending, the column-weighted hit count per row, and positions per row. */
interface Postings {
  readonly rows: Int32Array
  readonly weighted: Float64Array
  /** positions of row i are pos[posStart[i] .. posStart[i + 1]), each `column * 2^24 + offset`, ascending */
  readonly posStart: Int32Array
  readonly pos: Int32Array
}

const K1 = 1.2
const B = 0.75
const COLUMN_SHIFT = 2 ** 24

/**
 * The FTS5 index of `chunks_fts`, read once into memory, ranking exactly as the SQL `bm25()` does (same
 * tokens — read from the index itself through fts5vocab —, same IDF, document length and column
 * weights), so a search costs the postings of the searched ranges instead of FTS5 loading every query
 * term's whole doclist (~0.3 ms per term per query on FinanceBench).
 *
 * A snapshot: the owner rebuilds it when the store changed (see `SqliteCorpus`).
 */
export class FtsMemoryIndex {
  readonly #postings: Map<string, Postings>
  readonly #rowLength: Float64Array
  readonly #rows: number
  readonly #avgLength: number
  readonly #tokenizer: Db
  readonly #weights: { readonly header: number; readonly text: number }
  readonly #tokens = new Map<string, readonly string[]>()
  readonly #phraseRows = new Map<string, number>()
  /** per-search scratch, indexed by chunk id, left zeroed after each search */
  readonly #scores: Float64Array
  readonly #touched: Uint8Array
  /** instances read (the memory it holds is ~16 bytes each) */
  readonly instances: number

  private constructor(parts: IndexParts, weights: { readonly header: number; readonly text: number }) {
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
    this.#rowLength = parts.rowLength
    this.#rows = parts.rows
    this.#scores = new Float64Array(parts.rowLength.length)
    this.#touched = new Uint8Array(parts.rowLength.length)
    this.instances = parts.pos.length
    let total = 0
    for (const n of parts.rowLength) total += n
    this.#avgLength = parts.rows === 0 ? 1 : total / parts.rows
    // A private in-memory FTS5 table with the store's tokenizer turns query words into index tokens.
    this.#tokenizer = new Database(':memory:')
    this.#tokenizer.exec(`CREATE VIRTUAL TABLE q USING fts5(x, tokenize=${parts.tokenize});
      CREATE VIRTUAL TABLE q_terms USING fts5vocab(q, instance);`)
  }

  static fromParts(parts: IndexParts, weights: { readonly header: number; readonly text: number }): FtsMemoryIndex {
    return new FtsMemoryIndex(parts, weights)
  }

  /** Reads and builds on this thread (a `:memory:` store, tests); `readIndexParts` runs in a worker otherwise. */
  static build(db: Db, weights: { header: number; text: number }, maxInstances: number): FtsMemoryIndex | undefined {
    const parts = readIndexParts(db, weights, maxInstances)
    return parts === undefined ? undefined : new FtsMemoryIndex(parts, weights)
  }

  /**
   * Top `limit` rows by bm25 for the OR of `match`'s quoted phrases (the form `buildFtsMatch` writes),
   * ranked only inside `ranges`; scores are `bm25()` negated (higher is better). Undefined when the
   * expression is not of that form (the caller then asks SQLite).
   */
  search(match: string, ranges: IdRanges, limit: number): { id: number; score: number }[] | undefined {
    const phrases = parseMatch(match)
    if (phrases === undefined) return undefined
    const acc = this.#scores
    const touched: number[] = []
    // Phrase by phrase, as FTS5 sums them, so the floating-point result is the same; a phrase's hits on a
    // row arrive together, so its saturated term can be added as soon as the row changes.
    phrases.forEach((text) => {
      const tokens = this.#tokenize(text)
      if (tokens.length === 0) return
      const hits = this.#rowsWith(tokens)
      const raw = Math.log((this.#rows - hits + 0.5) / (hits + 0.5))
      const idf = raw <= 0 ? 1e-6 : raw
      let row = -1
      let x = 0
      const add = (): void => {
        if (row < 0) return
        const norm = K1 * (1 - B + (B * (this.#rowLength[row] ?? 0)) / this.#avgLength)
        if (this.#touched[row] === 0) {
          this.#touched[row] = 1
          touched.push(row)
        }
        // the same operation order as FTS5's fts5Bm25Function, so scores agree to the last bit
        acc[row] = (acc[row] ?? 0) + idf * ((x * (K1 + 1)) / (x + norm))
      }
      for (const [lo, hi] of ranges ?? [[0, Number.MAX_SAFE_INTEGER] as const]) {
        this.#eachHit(tokens, lo, hi, (r, weight) => {
          if (r !== row) {
            add()
            row = r
            x = 0
          }
          x += weight
        })
      }
      add()
    })
    const scored = touched.map((id) => ({ id, score: acc[id] ?? 0 }))
    for (const id of touched) {
      acc[id] = 0
      this.#touched[id] = 0
    }
    scored.sort((a, b) => b.score - a.score || a.id - b.id)
    return scored.slice(0, limit)
  }

  close(): void {
    this.#tokenizer.close()
  }

  /** Calls `hit` once per occurrence of the phrase in rows lo..hi, with its column weight. */
  #eachHit(tokens: readonly string[], lo: number, hi: number, hit: (row: number, weight: number) => void): void {
    const first = this.#postings.get(tokens[0] ?? '')
    if (first === undefined) return
    const rest = tokens.slice(1).map((t) => this.#postings.get(t))
    if (rest.some((p) => p === undefined)) return
    for (let i = lowerBound(first.rows, lo); i < first.rows.length; i++) {
      const row = first.rows[i] ?? 0
      if (row > hi) break
      if (rest.length === 0) {
        hit(row, first.weighted[i] ?? 0)
        continue
      }
      for (const start of phraseStarts(first, i, row, rest as Postings[])) hit(row, this.#weightAt(start))
    }
  }

  /** Rows anywhere in the index holding the phrase: its IDF, as FTS5 counts it. */
  #rowsWith(tokens: readonly string[]): number {
    if (tokens.length === 0) return 0
    if (tokens.length === 1) return this.#postings.get(tokens[0] ?? '')?.rows.length ?? 0
    const key = tokens.join('\u0000')
    const cached = this.#phraseRows.get(key)
    if (cached !== undefined) return cached
    const rows = new Set<number>()
    this.#eachHit(tokens, 0, Number.MAX_SAFE_INTEGER, (row) => rows.add(row))
    this.#phraseRows.set(key, rows.size)
    return rows.size
  }

  #weightAt(position: number): number {
    return position >= COLUMN_SHIFT ? this.#weights.text : this.#weights.header
  }

  #tokenize(text: string): readonly string[] {
    const cached = this.#tokens.get(text)
    if (cached !== undefined) return cached
    this.#tokenizer.prepare('INSERT INTO q (rowid, x) VALUES (1, ?)').run(text)
    const tokens = this.#tokenizer.prepare<[], { term: string }>('SELECT term FROM q_terms ORDER BY offset').all().map((r) => r.term)
    this.#tokenizer.prepare('DELETE FROM q').run()
    if (this.#tokens.size > 50_000) this.#tokens.clear()
    this.#tokens.set(text, tokens)
    return tokens
  }
}

/** Positions (column-tagged) where the phrase starting with row i of `first` occurs in full. */
function phraseStarts(first: Postings, i: number, row: number, rest: readonly Postings[]): number[] {
  const lists: Int32Array[] = []
  for (const p of rest) {
    const j = lowerBound(p.rows, row)
    if (p.rows[j] !== row) return []
    lists.push(p.pos.subarray(p.posStart[j] ?? 0, p.posStart[j + 1] ?? 0))
  }
  const starts: number[] = []
  for (const start of first.pos.subarray(first.posStart[i] ?? 0, first.posStart[i + 1] ?? 0)) {
    if (lists.every((l, k) => includes(l, start + k + 1))) starts.push(start)
  }
  return starts
}

function includes(sorted: Int32Array, value: number): boolean {
  const i = lowerBound(sorted, value)
  return sorted[i] === value
}

function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] ?? 0) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `"a b" OR "c"` → ['a b', 'c']; undefined for anything else. */
function parseMatch(match: string): string[] | undefined {
  const phrases: string[] = []
  const re = /"((?:[^"]|"")*)"(?: OR |$)/gy
  let m: RegExpExecArray | null
  while ((m = re.exec(match)) !== null) {
    phrases.push((m[1] ?? '').replaceAll('""', '"'))
    if (re.lastIndex >= match.length) return phrases
  }
  return undefined
}

/** The index as flat typed arrays (cheap to move out of a worker): term t's postings are [termStart[t], termStart[t + 1]). */
export interface IndexParts {
  readonly tokenize: string
  readonly rows: number
  readonly terms: string[]
  readonly termStart: Int32Array
  readonly rowIds: Int32Array
  readonly weighted: Float64Array
  /** per posting, where its positions start in `pos`; one extra entry closes the last */
  readonly posStart: Int32Array
  readonly pos: Int32Array
  readonly rowLength: Float64Array
}

/**
 * Reads `chunks_fts` in one snapshot; undefined when it holds more than `maxInstances` token instances
 * (the SQL route then stays in charge) or when the table is not the FTS5 table this module expects.
 */
export function readIndexParts(db: Db, weights: { header: number; text: number }, maxInstances: number): IndexParts | undefined {
  const schema = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'").get()?.sql ?? ''
  const tokenize = /tokenize\s*=\s*('(?:[^']|'')*')/i.exec(schema)?.[1]
  if (tokenize === undefined) return undefined
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_instances USING fts5vocab(main, chunks_fts, instance)')
  const read = db.transaction((): IndexParts | undefined => {
    const { rows, maxId } = db.prepare<[], { rows: number; maxId: number | null }>('SELECT COUNT(*) AS rows, MAX(id) AS maxId FROM chunks').get() ?? { rows: 0, maxId: 0 }
    const rowLength = new Float64Array((maxId ?? 0) + 1)
    const colWeight = [weights.header, weights.text]
    const terms: string[] = []
    const termStart: number[] = []
    const rowIds: number[] = []
    const weighted: number[] = []
    const posStart: number[] = []
    const pos: number[] = []
    // fts5vocab lists instances by term, then row, column and offset: postings come out sorted.
    const it = db.prepare('SELECT term, doc, col, offset FROM temp.chunks_fts_instances').raw().iterate() as IterableIterator<[string, number, string, number]>
    let lastRow = -1
    for (const [term, doc, col, offset] of it) {
      if (pos.length >= maxInstances) {
        it.return?.()
        return undefined
      }
      if (term !== terms[terms.length - 1]) {
        terms.push(term)
        termStart.push(rowIds.length)
        lastRow = -1
      }
      const column = col === 'header' ? 0 : 1
      if (doc !== lastRow) {
        rowIds.push(doc)
        weighted.push(0)
        posStart.push(pos.length)
        lastRow = doc
      }
      weighted[weighted.length - 1] = (weighted[weighted.length - 1] ?? 0) + (colWeight[column] ?? 1)
      pos.push(column * COLUMN_SHIFT + offset)
      if (doc < rowLength.length) rowLength[doc] = (rowLength[doc] ?? 0) + 1
    }
    termStart.push(rowIds.length)
    posStart.push(pos.length)
    return {
      tokenize,
      rows,
      terms,
      termStart: Int32Array.from(termStart),
      rowIds: Int32Array.from(rowIds),
      weighted: Float64Array.from(weighted),
      posStart: Int32Array.from(posStart),
      pos: Int32Array.from(pos),
      rowLength,
    }
  })
  return read()
}
