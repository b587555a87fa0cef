import { checkNumbers, type NumberCheck } from './number-checks.js'

/**
 * Fact-lock checks on a written answer: citation markers must point at a provided source (others are
 * removed and reported), and every number gets a verdict against the sources the answer cites (quoted,
 * derived, context or unsupported: see `checkNumbers`). Style never costs facts.
 */
export interface FactLockSource {
  readonly n: number
  /** everything the model was shown for this source, title and period included */
  readonly text: string
}

export interface FactLockResult {
  /** the answer with bogus markers removed */
  readonly answer: string
  /** valid markers, in order of first use */
  readonly cited: readonly number[]
  readonly removedCitations: readonly number[]
  readonly unsupportedNumbers: readonly string[]
  /** a verdict for every number of the answer, in order */
  readonly checks: readonly NumberCheck[]
}

export interface FactLockOptions {
  /** the question answered: it names what a bare "1.9%" is (see `checkNumbers`) */
  readonly question?: string
}

// "[1]", "[1, 3]", "[2-4]" and "[1][2]" (each group handled alone).
const MARKER = /\s?\[(\d+(?:\s*[,–-]\s*\d+)*)\]/g

export function citationMarkers(text: string): number[] {
  const out: number[] = []
  for (const m of text.matchAll(MARKER)) out.push(...expandMarker(m[1] ?? ''))
  return out
}

export function checkFacts(answer: string, sources: readonly FactLockSource[], options: FactLockOptions = {}): FactLockResult {
  const valid = new Map(sources.map((s) => [s.n, s]))
  const cited: number[] = []
  const removed: number[] = []
  const cleaned = answer.replace(MARKER, (whole, inner: string) => {
    const ns = expandMarker(inner)
    const keep = ns.filter((n) => valid.has(n))
    for (const n of ns) {
      if (!valid.has(n)) {
        if (!removed.includes(n)) removed.push(n)
      } else if (!cited.includes(n)) cited.push(n)
    }
    if (keep.length === ns.length) return whole
    if (keep.length === 0) return ''
    return `${whole.startsWith(' ') ? ' ' : ''}[${keep.join(', ')}]`
  })

  // Markers are not quantities; blank them before looking for numbers.
  const checks = checkNumbers(
    cleaned.replace(MARKER, ' '),
    cited.map((n) => valid.get(n) as FactLockSource),
    options.question,
  )
  const unsupported = [...new Set(checks.filter((c) => c.verdict === 'unsupported').map((c) => c.text))]
  return { answer: cleaned, cited, removedCitations: removed, unsupportedNumbers: unsupported, checks }
}

function expandMarker(inner: string): number[] {
  const out: number[] = []
  for (const part of inner.split(',')) {
    const [a, b] = part.split(/[–-]/).map((s) => Number(s.trim()))
    if (a === undefined || !Number.isInteger(a)) continue
    // A range wider than any context we build is a typo, not twenty citations.
    if (b !== undefined && Number.isInteger(b) && b >= a && b - a <= 20) for (let n = a; n <= b; n++) out.push(n)
    else out.push(a)
  }
  return out
}
