import { citationNumbers, rewriteCitationMarkers, stripCitationMarkers } from './citation-markers.js'
import { checkNumbers, type NumberCheck } from './number-checks.js'
import type { AnswerCaches } from './answer-caches.js'

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
  /** the answerer's cache of prepared sources (computed afresh without) */
  readonly caches?: Pick<AnswerCaches, 'sourceFigures'>
}

/** Every number cited, in written order (the marker grammar lives in citation-markers.ts). */
export const citationMarkers = citationNumbers

export function checkFacts(answer: string, sources: readonly FactLockSource[], options: FactLockOptions = {}): FactLockResult {
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

  // Markers are not quantities; strip them before looking for numbers.
  const checks = checkNumbers(
    stripCitationMarkers(cleaned),
    cited.map((n) => valid.get(n) as FactLockSource),
    options.question,
    options.caches?.sourceFigures,
  )
  const unsupported = [...new Set(checks.filter((c) => c.verdict === 'unsupported').map((c) => c.text))]
  return { answer: cleaned, cited, removedCitations: removed, unsupportedNumbers: unsupported, checks }
}
