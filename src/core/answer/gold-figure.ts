import { numberContext } from './number-context.js'
import { claimedDecimals, extractNumbers, isSupported, sourceMagnitudes, type ExtractedNumber } from './numbers.js'

/**
 * Scoring an answer against a gold answer's figure: the gold figure is the first amount of the gold
 * answer (years, dates and list numbers are not amounts); an answer shows it when one of its amounts,
 * read in the gold figure's unit and rounded to the gold figure's precision, equals it. Units are
 * compared as magnitudes: "$1577.00" (asked in millions) is shown by a table cell "(1,577)", "$1.8 bn" by
 * "1,819" in a table in millions.
 */
export function goldFigure(goldAnswer: string): ExtractedNumber | undefined {
  const n = extractNumbers(goldAnswer).find((x) => numberContext(x, goldAnswer) === undefined)
  if (n === undefined) return undefined
  // the gold answer's template formats its figures as an answer's: read as the fact-lock reads them
  return { ...n, decimals: claimedDecimals(n) }
}

const BARE = [1, 1e3, 1e6, 1e9]

export function showsFigure(answer: string, gold: ExtractedNumber): boolean {
  const factor = 10 ** gold.decimals
  const target = Math.round(gold.value * factor)
  const goldUnits = gold.scale === undefined ? BARE : [gold.scale]
  for (const a of extractNumbers(answer)) {
    if (a.percent !== gold.percent || numberContext(a, answer) !== undefined) continue
    for (const full of (a.scale === undefined ? BARE : [a.scale]).map((s) => a.value * s)) {
      if (goldUnits.some((u) => Math.round((full / u) * factor) === target)) return true
    }
  }
  return false
}

/** Whether the gold figure is printed in the evidence (in any of its units, at its precision). */
export function printedIn(evidence: readonly string[], gold: ExtractedNumber): boolean {
  return evidence.some((text) => isSupported(gold, sourceMagnitudes(extractNumbers(text))))
}
