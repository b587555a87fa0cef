import { citationNumbers, rewriteCitationMarkers, stripCitationMarkers } from './citation-markers.js'
import { extractNumbers, MagnitudeIndex, sourceMagnitudes } from './numbers.js'
import { textCache } from './text-cache.js'

const magnitudesOf = textCache<MagnitudeIndex>(1024)

/**
 * Fact-lock checks on a written answer: citation markers must point at a provided source (others are
 * removed and reported), and every number must appear in a source the answer cites. Style never costs facts.
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
}

/** Every number cited, in written order (the marker grammar lives in citation-markers.ts). */
export const citationMarkers = citationNumbers

export function checkFacts(answer: string, sources: readonly FactLockSource[]): FactLockResult {
  const valid = new Map(sources.map((s) => [s.n, s]))
  const cited: number[] = []
  const removed: number[] = []
  const cleaned = rewriteCitationMarkers(answer, (ns) => {
    const keep = ns.filter((n) => valid.has(n))
    for (const n of ns) {
      if (!valid.has(n)) {
        if (!removed.includes(n)) removed.push(n)
      } else if (!cited.includes(n)) cited.push(n)
    }
    return keep.length === ns.length ? undefined : keep
  })

  const unsupported: string[] = []
  // Markers are not quantities; strip them before looking for numbers.
  const numbers = extractNumbers(stripCitationMarkers(cleaned))
  // a number is supported when any cited source's magnitudes give it (see `isSupported`)
  const indexes = numbers.length === 0 ? [] : cited.map((n) => magnitudesOf(valid.get(n)?.text ?? '', (text) => new MagnitudeIndex(sourceMagnitudes(extractNumbers(text)))))
  for (const num of numbers) {
    if (!indexes.some((ix) => ix.supports(num)) && !unsupported.includes(num.raw)) unsupported.push(num.raw)
  }
  return { answer: cleaned, cited, removedCitations: removed, unsupportedNumbers: unsupported }
}
