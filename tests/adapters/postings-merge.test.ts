import { describe, expect, it } from 'vitest'
import { mergePostings, TopRows, type Postings, type RowHits } from '../../src/adapters/sqlite/postings.js'

/** Postings as plain rows: [row, weighted, positions]. */
type Plain = [number, number, number[]][]

function fromPlain(plain: Plain): Postings {
  // views into larger buffers with an offset, as a loaded index hands them out
  const pad = 3
  const pos = new Int32Array(pad + plain.reduce((n, [, , p]) => n + p.length, 0))
  const posStart = new Int32Array(plain.length + 1)
  let at = pad
  plain.forEach(([, , p], i) => {
    posStart[i] = at
    pos.set(p, at)
    at += p.length
  })
  posStart[plain.length] = at
  return { rows: Int32Array.from(plain.map(([r]) => r)), weighted: Float64Array.from(plain.map(([, w]) => w)), posStart, pos }
}

function toPlain(p: Postings | undefined): Plain {
  if (p === undefined) return []
  return Array.from(p.rows, (row, i) => [row, p.weighted[i] as number, Array.from(p.pos.subarray(p.posStart[i], p.posStart[i + 1]))])
}

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31
  }
}

describe('mergePostings', () => {
  it('drops the removed rows and puts the added ones in row order, wherever they fall', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed)
      const rows = [...new Set(Array.from({ length: Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 100)))].sort((a, b) => a - b)
      const old: Plain = rows.map((r) => [r, 1 + Math.floor(rnd() * 3), [r * 10, r * 10 + 1 + Math.floor(rnd() * 5)]])
      const removed = rows.filter(() => rnd() < 0.3)
      // rows 100+ come after every old row (a new version); some fall between them (any order the caller may send)
      const fresh = [...new Set(Array.from({ length: Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 140)))].filter(
        (r) => !rows.includes(r),
      )
      const added: RowHits[] = fresh.sort((a, b) => a - b).map((r) => ({ row: r, weighted: 0.5, pos: [r, r + 2] }))
      const want: Plain = [
        ...old.filter(([r]) => !removed.includes(r)),
        ...added.map((h): Plain[number] => [h.row, h.weighted, [...h.pos]]),
      ].sort((a, b) => a[0] - b[0])
      const got = mergePostings(old.length === 0 ? undefined : fromPlain(old), removed, added)
      expect(toPlain(got), `seed ${seed}`).toEqual(want)
      if (want.length === 0) expect(got).toBeUndefined()
    }
  })
})

describe('TopRows', () => {
  it('keeps the best rows by score, ties to the lower id, whatever order they are offered in', () => {
    const next = random(7)
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(next() * 300)
      const limit = Math.floor(next() * 40)
      // few distinct scores, so many rows tie
      const rows = Array.from({ length: n }, (_, i) => ({ id: i * 3 + Math.floor(next() * 3), score: Math.floor(next() * 8) / 4 }))
      const shuffled = [...rows].sort(() => next() - 0.5)
      const top = new TopRows(limit)
      for (const r of shuffled) if (r.score >= top.floor) top.offer(r.id, r.score)
      const want = [...rows].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit)
      expect(top.ranked()).toEqual({ ids: want.map((r) => r.id), scores: want.map((r) => r.score) })
    }
  })
})
