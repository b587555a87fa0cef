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

/** Ranking order: higher score first, then lower id. */
export function better(a: number, b: number, scores: Float64Array): boolean {
  const sa = scores[a] as number
  const sb = scores[b] as number
  return sa > sb || (sa === sb && a < b)
}

/** Min-heap by ranking order (the worst row on top). */
export function siftUp(heap: number[], at: number, scores: Float64Array): void {
  let i = at
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (!better(heap[parent] as number, heap[i] as number, scores)) break
    swap(heap, i, parent)
    i = parent
  }
}

export function siftDown(heap: number[], n: number, scores: Float64Array): void {
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    if (l >= n) return
    const r = l + 1
    const worse = r < n && better(heap[l] as number, heap[r] as number, scores) ? r : l
    if (!better(heap[i] as number, heap[worse] as number, scores)) return
    swap(heap, i, worse)
    i = worse
  }
}

export function swap(a: number[], i: number, j: number): void {
  const t = a[i] as number
  a[i] = a[j] as number
  a[j] = t
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
