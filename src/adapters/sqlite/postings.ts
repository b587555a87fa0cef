/**
 * Postings lists of the in-memory BM25 index and the walks over them: rows common to a phrase's words,
 * galloping cursors, positions, and the bounded heap that ranks rows.
 */
/** A token's postings: rows ascending, the column-weighted hit count per row, and positions per row. */
export interface Postings {
  readonly rows: Int32Array
  readonly weighted: Float64Array
  /** positions of row i are pos[posStart[i] .. posStart[i + 1]), each `column * 2^24 + offset`, ascending */
  readonly posStart: Int32Array
  readonly pos: Int32Array
}

/**
 * The smallest row >= `from` that every list holds (-1 when none), with `at[k]` its index in list k.
 * `at` holds each list's cursor: rows are asked for in ascending order (reset the cursors with
 * `atRow` before going back), so each list is galloped forward from where it stood. The shortest list
 * leads, so a rare word in a phrase of common ones costs little.
 */
export function firstRowWithAll(lists: readonly Postings[], at: Int32Array, from: number): number {
  let shortest = 0
  for (let k = 1; k < lists.length; k++) if ((lists[k] as Postings).rows.length < (lists[shortest] as Postings).rows.length) shortest = k
  const driver = (lists[shortest] as Postings).rows
  let target = from
  for (;;) {
    const i = gallop(driver, at[shortest] as number, target)
    at[shortest] = i
    if (i >= driver.length) return -1
    const row = driver[i] as number
    let all = true
    for (let k = 0; k < lists.length; k++) {
      if (k === shortest) continue
      const rows = (lists[k] as Postings).rows
      const j = gallop(rows, at[k] as number, row)
      at[k] = j
      if (j >= rows.length) return -1
      if (rows[j] !== row) {
        // no row before this list's next one can be common to all
        target = rows[j] as number
        all = false
        break
      }
    }
    if (all) return row
  }
}

/** Sets every list's cursor to its first row >= `row`. */
export function atRow(lists: readonly Postings[], at: Int32Array, row: number): void {
  for (let k = 0; k < lists.length; k++) at[k] = row <= 0 ? 0 : lowerBound((lists[k] as Postings).rows, row)
}

/** The first index >= `from` whose value is >= `value`: exponential steps, then a binary search. */
export function gallop(sorted: Int32Array, from: number, value: number): number {
  let lo = from
  let step = 1
  let hi = from
  while (hi < sorted.length && (sorted[hi] as number) < value) {
    lo = hi + 1
    hi += step
    step *= 2
  }
  if (hi > sorted.length) hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** True when list k (k >= 1) has position `start + k` in its row `at[k]`, for every k: the phrase runs on. */
export function continuesAt(lists: readonly Postings[], at: Int32Array, start: number): boolean {
  for (let k = 1; k < lists.length; k++) {
    const p = lists[k] as Postings
    const j = at[k] as number
    if (!includes(p.pos, p.posStart[j] as number, p.posStart[j + 1] as number, start + k)) return false
  }
  return true
}

/** Whether no two ranges overlap: then each row lies in at most one, and a search meets it once per word. */
export function disjoint(ranges: readonly (readonly [number, number])[]): boolean {
  if (ranges.length < 2) return true
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  for (let k = 1; k < sorted.length; k++)
    if ((sorted[k] as readonly [number, number])[0] <= (sorted[k - 1] as readonly [number, number])[1]) return false
  return true
}

/**
 * The best `limit` rows offered, by ranking order (higher score first, then lower id): a bounded heap
 * with the worst of them on top, holding each row's score so the caller's scratch can be cleared as it
 * is read.
 */
export class TopRows {
  readonly #ids: Int32Array
  readonly #scores: Float64Array
  #size = 0

  constructor(readonly limit: number) {
    this.#ids = new Int32Array(Math.max(0, limit))
    this.#scores = new Float64Array(Math.max(0, limit))
  }

  /** The score a row must reach to be kept (equal: a lower id than the worst kept); -Infinity until full. */
  get floor(): number {
    return this.#size === this.limit && this.limit > 0 ? (this.#scores[0] as number) : Number.NEGATIVE_INFINITY
  }

  offer(id: number, score: number): void {
    if (this.#size < this.limit) {
      this.#up(this.#size++, id, score)
    } else if (this.limit > 0 && ranksAbove(id, score, this.#ids[0] as number, this.#scores[0] as number)) {
      this.#down(0, this.#size, id, score)
    }
  }

  /** The rows kept, best first, with their scores (empties the heap). */
  ranked(): { ids: number[]; scores: number[] } {
    const n = this.#size
    const ids = new Array<number>(n)
    const scores = new Array<number>(n)
    // the worst leaves the top one by one, filling the lists from the back
    for (let k = n - 1; k >= 0; k--) {
      ids[k] = this.#ids[0] as number
      scores[k] = this.#scores[0] as number
      this.#size--
      if (this.#size > 0) this.#down(0, this.#size, this.#ids[this.#size] as number, this.#scores[this.#size] as number)
    }
    return { ids, scores }
  }

  /** Places (id, score) at `at` or above it, moving worse parents down. */
  #up(at: number, id: number, score: number): void {
    let i = at
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!ranksAbove(this.#ids[parent] as number, this.#scores[parent] as number, id, score)) break
      this.#ids[i] = this.#ids[parent] as number
      this.#scores[i] = this.#scores[parent] as number
      i = parent
    }
    this.#ids[i] = id
    this.#scores[i] = score
  }

  /** Places (id, score) at `at` or below it among the first `n`, moving worse children up. */
  #down(at: number, n: number, id: number, score: number): void {
    let i = at
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const worse =
        r < n && ranksAbove(this.#ids[l] as number, this.#scores[l] as number, this.#ids[r] as number, this.#scores[r] as number) ? r : l
      if (!ranksAbove(id, score, this.#ids[worse] as number, this.#scores[worse] as number)) break
      this.#ids[i] = this.#ids[worse] as number
      this.#scores[i] = this.#scores[worse] as number
      i = worse
    }
    this.#ids[i] = id
    this.#scores[i] = score
  }
}

/** Ranking order: higher score first, then lower id. */
function ranksAbove(a: number, sa: number, b: number, sb: number): boolean {
  return sa > sb || (sa === sb && a < b)
}

/** Whether sorted[from..to) holds value. */
export function includes(sorted: Int32Array, from: number, to: number, value: number): boolean {
  // a word occurs a few times per row: a scan beats halving
  if (to - from <= 8) {
    for (let i = from; i < to; i++) {
      const v = sorted[i] as number
      if (v >= value) return v === value
    }
    return false
  }
  let lo = from
  let hi = to
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) < value) lo = mid + 1
    else hi = mid
  }
  return lo < to && sorted[lo] === value
}

export function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** One row's hits of a token being added: its column-weighted count and its positions, ascending. */
export interface RowHits {
  readonly row: number
  readonly weighted: number
  readonly pos: readonly number[]
}

/**
 * `old` without the rows in `removed`, with `added` (rows ascending, none of them in `old`) merged in,
 * in row order; undefined when nothing is left. Builds new arrays (a loaded index's lists are views of
 * shared buffers) by copying the runs of `old` between the rows that leave or join, so the cost is a copy
 * of the list, not a walk over its rows.
 */
export function mergePostings(old: Postings | undefined, removed: readonly number[], added: readonly RowHits[]): Postings | undefined {
  const from = old ?? EMPTY
  const n = from.rows.length
  // the indices of `old` that leave, ascending
  const drop: number[] = []
  for (const row of removed) {
    const i = lowerBound(from.rows, row)
    if (i < n && from.rows[i] === row) drop.push(i)
  }
  drop.sort((a, b) => a - b)
  let size = n - drop.length + added.length
  if (size === 0) return undefined
  let positions = (from.posStart[n] ?? 0) - (from.posStart[0] ?? 0)
  for (const i of drop) positions -= (from.posStart[i + 1] as number) - (from.posStart[i] as number)
  for (const a of added) positions += a.pos.length
  const rows = new Int32Array(size)
  const weighted = new Float64Array(size)
  const posStart = new Int32Array(size + 1)
  const pos = new Int32Array(positions)
  size = 0
  let p = 0
  /** copies old[lo, hi) */
  const run = (lo: number, hi: number): void => {
    if (hi <= lo) return
    rows.set(from.rows.subarray(lo, hi), size)
    weighted.set(from.weighted.subarray(lo, hi), size)
    const shift = p - (from.posStart[lo] as number)
    for (let i = lo; i < hi; i++) posStart[size++] = (from.posStart[i] as number) + shift
    pos.set(from.pos.subarray(from.posStart[lo], from.posStart[hi]), p)
    p += (from.posStart[hi] as number) - (from.posStart[lo] as number)
  }
  const join = (hit: RowHits): void => {
    rows[size] = hit.row
    weighted[size] = hit.weighted
    posStart[size++] = p
    pos.set(hit.pos, p)
    p += hit.pos.length
  }
  // the kept runs of old (between the dropped indices), each split where added rows fall inside it
  let a = 0
  let lo = 0
  for (const hi of [...drop, n]) {
    while (lo < hi && a < added.length) {
      const k = Math.max(lo, lowerBound(from.rows, (added[a] as RowHits).row))
      if (k >= hi) break
      run(lo, k)
      join(added[a++] as RowHits)
      lo = k
    }
    run(lo, hi)
    lo = hi + 1
  }
  while (a < added.length) join(added[a++] as RowHits)
  posStart[size] = p
  return { rows, weighted, posStart, pos }
}

const EMPTY: Postings = { rows: new Int32Array(0), weighted: new Float64Array(0), posStart: new Int32Array(1), pos: new Int32Array(0) }
