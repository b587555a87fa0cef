import { createRequire } from 'node:module'

/** js-tiktoken's encoding table: the pre-token pattern and every token's rank. */
export type Encoding = typeof import('js-tiktoken/ranks/o200k_base').default
let o200k: Encoding | undefined

/**
 * js-tiktoken's o200k_base table, loaded on first use rather than with this module: 2.3 MB of JavaScript
 * that every command importing the answer or ingest code would otherwise parse at start (`documents list`,
 * `serve`) though it never counts a token. Loaded synchronously (the package's CommonJS build), as the
 * counts that need it are.
 */
export function o200kEncoding(): Encoding {
  o200k ??= createRequire(import.meta.url)('js-tiktoken/ranks/o200k_base') as Encoding
  return o200k
}

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
 * own key. Pieces repeat (" the", " million"), so their counts are remembered. Filings are mostly ASCII:
 * there the split is a hand-written scan (see {@link asciiPieceEnd}), several times cheaper than the
 * Unicode regex, which still splits wherever a non-ASCII character could change the outcome, and the
 * remembered count is found without cutting the piece out of the text (see {@link asciiCount}).
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0
  ranks ??= loadRanks()
  classesReady ||= fillAsciiClasses()
  let total = 0
  for (let pos = 0; pos < text.length;) {
    const end = asciiPieceEnd(text, pos)
    if (end > pos) {
      total += asciiCount(text, pos, end, ranks)
      pos = end
      continue
    }
    const piece = pieceAt(text, pos)
    pos += piece.length
    let n = cache.get(piece)
    if (n === undefined) {
      n = pieceTokens(ASCII.test(piece) ? piece : binary(piece), ranks)
      if (cache.size < CACHE_LIMIT) cache.set(piece, n)
    }
    total += n
  }
  return total
}

// Counts of ASCII pieces in an open-addressing table probed with the piece's position in the text, so a
// hit (nearly every piece) allocates nothing: no substring, no string hash.
const SLOTS = 1 << 17
const slotKeys: (string | undefined)[] = new Array<string | undefined>(SLOTS)
const slotCounts = new Int32Array(SLOTS)
let slotsUsed = 0

function asciiCount(text: string, pos: number, end: number, table: Map<string, number>): number {
  let h = 0x811c9dc5
  for (let i = pos; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  const len = end - pos
  for (let slot = h & (SLOTS - 1); ; slot = (slot + 1) & (SLOTS - 1)) {
    const key = slotKeys[slot]
    if (key === undefined) {
      const piece = text.slice(pos, end)
      const n = pieceTokens(piece, table)
      // Half full at most, so probes stay short; past that, new pieces are counted each time.
      if (slotsUsed < SLOTS / 2) {
        slotKeys[slot] = piece
        slotCounts[slot] = n
        slotsUsed++
      }
      return n
    }
    if (key.length === len && text.startsWith(key, pos)) return slotCounts[slot] ?? 0
  }
}

/** The pre-token split of `text` (what the o200k regex matches), for checks. */
export function splitPieces(text: string): string[] {
  classesReady ||= fillAsciiClasses()
  const out: string[] = []
  for (let pos = 0; pos < text.length; pos += out.at(-1)?.length ?? 1) out.push(pieceAt(text, pos))
  return out
}

/** The piece starting at `pos`: the regex's match there. */
function pieceAt(text: string, pos: number): string {
  const end = asciiPieceEnd(text, pos)
  if (end > pos) return text.slice(pos, end)
  // Every character starts some alternative of the pattern, so a sticky match never fails.
  pieces ??= new RegExp(o200kEncoding().pat_str, 'uy')
  pieces.lastIndex = pos
  return pieces.exec(text)?.[0] ?? text.slice(pos)
}

function loadRanks(): Map<string, number> {
  const map = new Map<string, number>()
  // Each line: "<anything> <first rank> <base64 token> <base64 token> ..." with consecutive ranks.
  for (const line of o200kEncoding().bpe_ranks.split('\n')) {
    if (line.length === 0) continue
    const fields = line.split(' ')
    const offset = Number.parseInt(fields[1] ?? '', 10)
    for (let i = 2; i < fields.length; i++) map.set(atob(fields[i] ?? ''), offset + i - 2)
  }
  return map
}

// ASCII character classes as the o200k pattern sees them, read off the pattern's own property classes
// so the scan cannot drift from the regex: lower (\p{Ll}), upper (\p{Lu}), digit (\p{N}), CR/LF, the
// space (the only character A4's " ?" takes), other whitespace (\s), and the rest ("punct": neither
// letter, digit nor space). Any other letter or mark category in ASCII would make the scan give up.
const LOWER = 1
const UPPER = 2
const DIGIT = 3
const NEWLINE = 4
const SPACE = 5
const OTHER_SPACE = 6
const PUNCT = 7
const UNKNOWN = 0
// Filled with the first count, not at import (its Unicode property regexes take ~10 ms to compile); while
// all zero, every character reads as UNKNOWN, which only leaves the split to the regex.
const CLASS = new Uint8Array(128)
let classesReady = false

function fillAsciiClasses(): true {
  const table = CLASS
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c)
    if (/[\p{Lt}\p{Lm}\p{Lo}\p{M}]/u.test(ch)) table[c] = UNKNOWN
    else if (/\p{Ll}/u.test(ch)) table[c] = LOWER
    else if (/\p{Lu}/u.test(ch)) table[c] = UPPER
    else if (/\p{N}/u.test(ch)) table[c] = DIGIT
    else if (ch === '\r' || ch === '\n') table[c] = NEWLINE
    else if (ch === ' ') table[c] = SPACE
    else if (/\s/u.test(ch)) table[c] = OTHER_SPACE
    else table[c] = PUNCT
  }
  return true
}

/** Class of the character at `i`: UNKNOWN past ASCII, where only the regex can decide. */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i)
  return c < 128 ? (CLASS[c] ?? UNKNOWN) : UNKNOWN
}

/**
 * End of the o200k piece starting at `pos` when the pattern's choice there depends only on ASCII
 * characters; `pos` itself (no progress) when it does not, and the regex must decide. The pattern's
 * alternatives, tried in order at `pos`:
 *   A1/A2  an optional prefix (not CR/LF, letter or digit), uppercase run, lowercase run (A1 needs one
 *          lowercase, A2 one uppercase), optional contraction ('s 't 're 've 'm 'll 'd, any case);
 *   A3     one to three digits;
 *   A4     an optional space, a run of punct, then any CR, LF or "/";
 *   A5     whitespace up to and including its last CR/LF;
 *   A6/A7  whitespace without CR/LF: all of it before the end of the text or another space, else all
 *          but its last character (which then prefixes the next piece), else the one character.
 */
function asciiPieceEnd(text: string, pos: number): number {
  const cls = classAt(text, pos)
  if (cls === LOWER || cls === UPPER) return letters(text, pos, pos)
  if (cls === DIGIT) return digits(text, pos)
  if (cls === NEWLINE) return whitespace(text, pos)
  if (cls === UNKNOWN) return pos
  // SPACE, OTHER_SPACE or PUNCT: a possible prefix of A1/A2
  const next = pos + 1 < text.length ? classAt(text, pos + 1) : NEWLINE
  if (next === UNKNOWN) return pos
  if (next === LOWER || next === UPPER) return letters(text, pos, pos + 1)
  if (cls === PUNCT) return punct(text, pos, pos)
  if (cls === SPACE && next === PUNCT) return punct(text, pos, pos + 1)
  return whitespace(text, pos)
}

function letters(text: string, pos: number, start: number): number {
  let i = start
  while (i < text.length && classAt(text, i) === UPPER) i++
  while (i < text.length && classAt(text, i) === LOWER) i++
  if (i < text.length && classAt(text, i) === UNKNOWN) return pos
  return i + contraction(text, i)
}

/** Length of an ASCII contraction at `i` ('s 't 'm 'd 're 've 'll in any case), else 0. */
function contraction(text: string, i: number): number {
  if (text.charCodeAt(i) !== 39) return 0
  const a = text.charCodeAt(i + 1) | 0x20
  if (a === 115 || a === 116 || a === 109 || a === 100) return 2 // s t m d
  const b = text.charCodeAt(i + 2) | 0x20
  if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) return 3 // re ve ll
  return 0
}

function digits(text: string, pos: number): number {
  let i = pos
  while (i < text.length && i - pos < 3 && classAt(text, i) === DIGIT) i++
  if (i - pos < 3 && i < text.length && classAt(text, i) === UNKNOWN) return pos
  return i
}

function punct(text: string, pos: number, start: number): number {
  let i = start
  while (i < text.length) {
    const cls = classAt(text, i)
    if (cls === UNKNOWN) return pos
    if (cls !== PUNCT) break
    i++
  }
  for (let c = text.charCodeAt(i); c === 13 || c === 10 || c === 47; c = text.charCodeAt(i)) i++
  return i
}

function whitespace(text: string, pos: number): number {
  let i = pos
  let lastNewline = -1
  for (; i < text.length; i++) {
    const cls = classAt(text, i)
    if (cls === NEWLINE) lastNewline = i
    else if (cls === UNKNOWN) return pos
    else if (cls !== SPACE && cls !== OTHER_SPACE) break
  }
  if (lastNewline >= 0) return lastNewline + 1
  if (i === text.length || i - pos === 1) return i
  return i - 1
}

/** UTF-8 bytes of `s` as a string of code units 0–255, the rank table's key form. */
function binary(s: string): string {
  let out = ''
  for (const byte of utf8.encode(s)) out += String.fromCharCode(byte)
  return out
}

/**
 * tiktoken's byte-pair merge: repeatedly merge the adjacent pair with the lowest rank (leftmost on ties).
 * Only the pairs next to a merge change rank, so only those are looked up again.
 */
function pieceTokens(bytes: string, table: Map<string, number>): number {
  if (bytes.length <= 1 || table.has(bytes)) return bytes.length === 0 ? 0 : 1
  const starts = mergedParts(bytes, table)
  let count = 0
  for (let i = 0; i + 1 < starts.length; i++) if (table.has(bytes.slice(starts[i] ?? 0, starts[i + 1] ?? 0))) count++
  return count
}

/** Where each token of the piece `bytes` begins after the merges; the last entry is the end. */
function mergedParts(bytes: string, table: Map<string, number>): number[] {
  if (bytes.length <= 1 || table.has(bytes)) return [0, bytes.length]
  // starts[i]: where part i begins; the last entry is the end. pairs[i]: rank of parts i and i+1 merged.
  const starts: number[] = []
  for (let i = 0; i <= bytes.length; i++) starts.push(i)
  const rankOf = (i: number): number => table.get(bytes.slice(starts[i] ?? 0, starts[i + 2] ?? 0)) ?? Infinity
  const pairs: number[] = []
  for (let i = 0; i < bytes.length - 1; i++) pairs.push(rankOf(i))
  while (pairs.length > 0) {
    let best = Infinity
    let at = -1
    for (let i = 0; i < pairs.length; i++) {
      const rank = pairs[i] ?? Infinity
      if (rank < best) {
        best = rank
        at = i
      }
    }
    if (at < 0) break
    starts.splice(at + 1, 1)
    pairs.splice(at, 1)
    if (at > 0) pairs[at - 1] = rankOf(at - 1)
    if (at < pairs.length) pairs[at] = rankOf(at)
  }
  return starts
}

/**
 * The longest prefix of `text` within `maxTokens` o200k tokens, what decoding the first `maxTokens`
 * tokens of tiktoken's encoding gives: whole pieces while they fit, then the first tokens of the piece
 * that does not (its own merges). A cut inside a multi-byte character keeps only the whole characters
 * before it. Needs no encoder: the count's rank table and split are enough.
 */
export function prefixWithinTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return ''
  ranks ??= loadRanks()
  classesReady ||= fillAsciiClasses()
  let used = 0
  for (let pos = 0; pos < text.length;) {
    const piece = pieceAt(text, pos)
    const ascii = ASCII.test(piece)
    const bytes = ascii ? piece : binary(piece)
    const n = pieceTokens(bytes, ranks)
    if (used + n > maxTokens) {
      const cut = mergedParts(bytes, ranks)[maxTokens - used] ?? 0
      return text.slice(0, pos) + (ascii ? piece.slice(0, cut) : wholeCharacters(piece, cut))
    }
    used += n
    pos += piece.length
  }
  return text
}

/** The characters of `s` whose UTF-8 bytes all lie within its first `bytes` bytes. */
function wholeCharacters(s: string, bytes: number): string {
  let size = 0
  let end = 0
  for (const ch of s) {
    size += utf8.encode(ch).length
    if (size > bytes) break
    end += ch.length
  }
  return s.slice(0, end)
}
