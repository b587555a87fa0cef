import { createHash } from 'node:crypto'

/**
 * Train/validation split by source document, so no letter has passages on both sides (a passage's
 * neighbours would otherwise leak its style and facts into validation). Sources are ordered by a seeded
 * hash and taken into validation until it holds the requested share of examples; the result depends only
 * on the seed and the source names, not on file order.
 */
export interface SplitOptions {
  readonly seed: number
  /** share of examples wanted in validation, 0–0.5 */
  readonly validationFraction: number
}

export function splitBySource(counts: ReadonlyMap<string, number>, options: SplitOptions): { train: Set<string>; validation: Set<string> } {
  const sources = [...counts.keys()]
  const key = (s: string): string => createHash('sha256').update(`${options.seed}\u0000${s}`).digest('hex')
  const ordered = sources.map((s) => ({ s, k: key(s) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  const wanted = total * options.validationFraction
  const validation = new Set<string>()
  let taken = 0
  // Always leave at least one source for training; take none when no validation is asked for.
  for (const { s } of ordered) {
    if (wanted <= 0 || taken >= wanted || validation.size >= sources.length - 1) break
    validation.add(s)
    taken += counts.get(s) ?? 0
  }
  return { train: new Set(sources.filter((s) => !validation.has(s))), validation }
}
