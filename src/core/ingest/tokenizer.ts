import o200kBase from 'js-tiktoken/ranks/o200k_base'

let ranks: Map<string, number> | undefined
let pieces: RegExp | undefined
const cache = new Map<string, number>()
/** Distinct pieces remembered; a 10-K has a few thousand, so this bounds memory, not hit rate. */
const CACHE_LIMIT = 200_000
const utf8 = new TextEncoder()
const ASCII = /^\p{ASCII}*$/u

/**
 * Token counts in o200k_base (the gpt-4o family's encoding), used for chunk budgets. Exact: the same
 * regex split and byte-pair merges as tiktoken, so the count equals `encode(text).length`.
 *
 * Cheaper than js-tiktoken's encoder: a count needs no token ids or decode table, so the rank table is
 * keyed by the token's bytes as a binary string (one `atob` per token; js-tiktoken builds two maps with
 * comma-joined byte keys, over a second of CPU and tens of MB per process), and an ASCII piece is its
 * own key. Pieces repeat (" the", " million"), so their counts are remembered.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0
  ranks ??= loadRanks()
  pieces ??= new RegExp(o200kBase.pat_str, 'gu')
  let total = 0
  for (const match of text.matchAll(pieces)) {
    const piece = match[0]
    let n = cache.get(piece)
    if (n === undefined) {
      n = pieceTokens(ASCII.test(piece) ? piece : binary(piece), ranks)
      if (cache.size < CACHE_LIMIT) cache.set(piece, n)
    }
    total += n
  }
  return total
}

function loadRanks(): Map<string, number> {
  const map = new Map<string, number>()
  // Each line: "<anything> <first rank> <base64 token> <base64 token> ..." with consecutive ranks.
  for (const line of o200kBase.bpe_ranks.split('\n')) {
    if (line.length === 0) continue
    const fields = line.split(' ')
    const offset = Number.parseInt(fields[1] ?? '', 10)
    for (let i = 2; i < fields.length; i++) map.set(atob(fields[i] ?? ''), offset + i - 2)
  }
  return map
}

/** UTF-8 bytes of `s` as a string of code units 0–255, the rank table's key form. */
function binary(s: string): string {
  let out = ''
  for (const byte of utf8.encode(s)) out += String.fromCharCode(byte)
  return out
}

/** tiktoken's byte-pair merge: repeatedly merge the adjacent pair with the lowest rank (leftmost on ties). */
function pieceTokens(bytes: string, table: Map<string, number>): number {
  if (bytes.length <= 1 || table.has(bytes)) return bytes.length === 0 ? 0 : 1
  const starts: number[] = []
  for (let i = 0; i < bytes.length; i++) starts.push(i)
  while (starts.length > 1) {
    let best = Infinity
    let at = -1
    for (let i = 0; i < starts.length - 1; i++) {
      const rank = table.get(bytes.slice(starts[i] ?? 0, starts[i + 2] ?? bytes.length))
      if (rank !== undefined && rank < best) {
        best = rank
        at = i
      }
    }
    if (at < 0) break
    starts.splice(at + 1, 1)
  }
  let count = 0
  for (let i = 0; i < starts.length; i++) if (table.has(bytes.slice(starts[i] ?? 0, starts[i + 1] ?? bytes.length))) count++
  return count
}
