import { matchConcepts } from '../retrieval/concept-matcher.js'
import { FINANCE_CONCEPTS } from '../retrieval/finance-lexicon.js'
import { tokenize } from '../retrieval/query-analysis.js'
import { STOP_WORDS } from '../retrieval/stop-words.js'
import type { ExtractedNumber } from './numbers.js'
import { figureScales, type SourceFigure, type SourceFigures, type SourceRow } from './source-figures.js'

/**
 * "Derived": a number of the answer reproduced from figures of its cited sources by one small expression
 * an analyst writes (difference, sum, average of two, ratio, percentage, percent change, percentage-point
 * change of a ratio, ratio to an average, per-day scaling), within the rounding the answer shows.
 *
 * Why this cannot make "anything derivable": the search never combines arbitrary figures of a page. Its
 * inputs are limited to the rows whose labels the claim names (its own words, or the statement lines of
 * the finance concepts it names: "gross margin" → "Gross profit", "Net sales"), at most MAX_ROWS of them;
 * the expressions are a fixed list of at most four inputs, with inputs of one expression taken from the
 * same period column where the formula compares items, or from the same row where it compares periods;
 * and the tolerance is half a unit of the last digit the answer writes, so "30.8%" must land within
 * ±0.05 points. With a handful of named rows and a few columns the search tries hundreds of values, not
 * the millions a page-wide search would, and `ragtune eval factlock` measures how often a randomly
 * perturbed number still comes out "derived" (it must stay low: that is the catch rate).
 */
export interface DerivationInput {
  readonly figure: SourceFigure
  /** the source's marker */
  readonly n: number
}

export interface AnchoredRow {
  readonly n: number
  readonly label: string
  readonly figures: readonly SourceFigure[]
  /** what a bare figure of the page may stand for (see `SourceFigures.bareScales`) */
  readonly bareScales: readonly number[]
}

export interface Derivation {
  readonly expression: string
  readonly source: number
}

/** A figure the answer itself states and the check already accepted ("from 0.67 to 0.69 (3.4% jump)"). */
export interface AnswerFigure {
  readonly raw: string
  /** value times its scale word */
  readonly value: number
  readonly percent: boolean
}

const MAX_ROWS = 8
const MAX_ROWS_FOUR_INPUTS = 6
// a row needs a statement line of a named concept (2) or two of the claim's words (1 each)
const MIN_ANCHOR = 2
const GENERIC = new Set([
  'total',
  'net',
  'other',
  'year',
  'years',
  'fiscal',
  'fy',
  'ended',
  'end',
  'million',
  'millions',
  'billion',
  'billions',
  'thousands',
  'amount',
  'amounts',
  'dollars',
  'usd',
  'per',
  'share',
  'data',
  'except',
  'ratio',
  'rate',
  'change',
  'increase',
  'decrease',
  'decline',
  'growth',
  'grew',
  'rose',
  'fell',
  'drop',
  'jump',
  'improved',
  'approximately',
  'about',
  'yes',
  'no',
])

// Words naming a ratio whose denominator the claim does not name: a margin is over revenue.
const IMPLIED: Readonly<Record<string, readonly string[]>> = {
  margin: ['revenue'],
  margins: ['revenue'],
  turnover: ['revenue'],
  intensity: ['revenue', 'total-assets'],
  conversion: ['net-income'],
  // free cash flow is operating cash flow less capital expenditure, whichever line a filing prints it as
  fcf: ['capex', 'operating-cash-flow'],
  free: ['capex', 'operating-cash-flow'],
}

/** A crude stem, enough to meet "repurchased" and "repurchases", "stores" and "store". */
function stem(w: string): string {
  const singular = w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w
  return singular.length > 4 ? singular.replace(/(?:ed|ing|e)$/, '') : singular
}

function contentWords(text: string): string[] {
  return tokenize(text).filter((t) => t.length >= 3 && !/^\d/.test(t) && !STOP_WORDS.has(t) && !GENERIC.has(t))
}

/** The words and statement lines a claim names, for `anchoredRows`. */
export interface ClaimTerms {
  readonly words: ReadonlySet<string>
  readonly lines: readonly string[]
}

/**
 * `sentence` is the answer's sentence holding the number: its words name rows. `question` names rows only
 * through the finance concepts it mentions, since a question's long wording would anchor half a page.
 */
export function claimTerms(sentence: string, question: string, bareFromQuestion = false): ClaimTerms {
  const tokens = tokenize(sentence)
  // a bare figure ("36%") names nothing itself: for a derivation the question's words say what it is
  const own = contentWords(sentence)
  const words = new Set((own.length > 0 || !bareFromQuestion ? own : contentWords(question)).map(stem))
  const all = [...tokens, '.', ...tokenize(question)]
  const concepts = matchConcepts(all)
  for (const t of all) for (const id of IMPLIED[t] ?? []) concepts.push(...FINANCE_CONCEPTS.filter((c) => c.id === id))
  const lines = [...new Set(concepts.flatMap((c) => c.lines))].map((l) => ` ${tokenize(l).map(stem).join(' ')} `)
  return { words, lines }
}

/** Rows of the cited sources whose label the claim names, best first, at most MAX_ROWS. */
export function anchoredRows(terms: ClaimTerms, sources: readonly { n: number; figures: SourceFigures }[]): AnchoredRow[] {
  const scored: { row: AnchoredRow; score: number }[] = []
  for (const s of sources) {
    for (const row of s.figures.rows) {
      const amounts = row.figures.filter((f) => !f.isYear && !f.isDay)
      if (amounts.length === 0 || row.label === '') continue
      // prose: the figure's whole sentence describes it; a statement row: its label
      const tokens = tokenize(row.sentence === '' ? row.label : row.sentence)
      const spaced = ` ${tokens.map(stem).join(' ')} `
      let score = 0
      for (const l of terms.lines) if (spaced.includes(l)) score += 2
      for (const t of new Set(tokens.map(stem))) if (terms.words.has(t)) score += 1
      // a label the claim names in full ("Consumer" for "the consumer segment") anchors on its own
      const labelWords = contentWords(row.label).map(stem)
      if (labelWords.length > 0 && labelWords.every((w) => terms.words.has(w))) score = Math.max(score, MIN_ANCHOR)
      if (score >= MIN_ANCHOR) scored.push({ row: { n: s.n, label: row.label, figures: amounts, bareScales: s.figures.bareScales }, score })
    }
  }
  scored.sort((a, b) => b.score - a.score)
  return scored.slice(0, MAX_ROWS).map((s) => s.row)
}

export interface Target {
  readonly value: number
  readonly percent: boolean
  readonly scale: number | undefined
  readonly tolerance: number
  /** tolerance / value: how likely a random value lands on the target by chance */
  readonly looseness: number
}

/**
 * How loose a target may be for each family. A figure written "13%" (±0.5 points, 4 % of its value) is hit
 * by one random ratio in 25; the more expressions a family tries, the tighter the target must be.
 */
export const LOOSENESS = { quoteAnywhere: 0.005, pairs: 0.03, wider: 0.012 } as const

/** "About 42%" is rounded like "42%": the tolerance is half a unit of the last digit written, whatever the wording. */
export function targetOf(n: ExtractedNumber): Target {
  const tolerance = 0.5 * 10 ** -n.decimals + 1e-9
  return { value: n.value, percent: n.percent, scale: n.scale, tolerance, looseness: n.value === 0 ? 1 : tolerance / n.value }
}

/** A unitless result (ratio, share): "0.69", "24.26", or "30.8%" for 0.308. */
export function matchesRatio(t: Target, r: number): boolean {
  if (!Number.isFinite(r) || t.scale !== undefined) return false
  return Math.abs(Math.abs(r) * (t.percent ? 100 : 1) - t.value) <= t.tolerance
}

/** An amount in the rows' printed units: the answer may write it bare or with a scale word. */
export function matchesAmount(t: Target, r: number, scales: readonly number[], percentPoints: boolean): boolean {
  if (!Number.isFinite(r)) return false
  const a = Math.abs(r)
  if (percentPoints) return t.percent && Math.abs(a - t.value) <= t.tolerance
  if (t.percent) return false
  if (t.scale === undefined && Math.abs(a - t.value) <= t.tolerance) return true
  for (const s of scales) {
    const full = a * s
    if (t.scale !== undefined ? Math.abs(full / t.scale - t.value) <= t.tolerance : s > 1 && Math.abs(full - t.value) <= t.tolerance)
      return true
  }
  return false
}

const fmt = (f: SourceFigure): string => f.raw

/** Inputs written with their own scale word (or printed in full) are in full units already. */
function scalesOf(row: AnchoredRow, a: SourceFigure, b: SourceFigure): readonly number[] {
  const sa = figureScales(a, row.bareScales)
  return sa.length === 1 ? sa : figureScales(b, row.bareScales)
}

/** A ratio whose sign means something (a quick ratio, a turnover): compared without taking |r|. */
function matchesSignedRatio(t: Target, r: number): boolean {
  return r > 0 && matchesRatio(t, r)
}

/** The first expression over the anchored rows that gives the target, or undefined. */
export function findDerivation(t: Target, rows: readonly AnchoredRow[], answerFigures: readonly AnswerFigure[]): Derivation | undefined {
  if (t.looseness > LOOSENESS.pairs) return fromAnswer(t, answerFigures)
  const wider = t.looseness <= LOOSENESS.wider
  const cite = (...ns: number[]): string => [...new Set(ns)].map((n) => `[${n}]`).join('')
  const result = (expr: string, ...ns: number[]): Derivation => ({ expression: `${expr} ${cite(...ns)}`, source: ns[0] ?? 0 })

  // one row, two periods: change, percent change, average (not a sum: adding two years of one line is
  // rarely what an answer means, and it would pass an invented total)
  for (const row of rows) {
    const fs = row.figures
    for (const a of fs) {
      for (const b of fs) {
        if (a === b) continue
        const pp = a.percent && b.percent
        if (matchesAmount(t, a.value - b.value, scalesOf(row, a, b), pp)) return result(`${a.raw} − ${b.raw}`, row.n)
        if (!pp && b.value !== 0 && matchesRatio(t, (a.value - b.value) / Math.abs(b.value)) && t.percent)
          return result(`(${fmt(a)} − ${fmt(b)}) / ${fmt(b)}`, row.n)
        if (a.column < b.column && matchesAmount(t, (a.value + b.value) / 2, scalesOf(row, a, b), pp))
          return result(`(${fmt(a)} + ${fmt(b)}) / 2`, row.n)
      }
    }
  }

  // two rows, one period: ratio, share, per-day ratio, difference, sum
  for (const ra of rows) {
    for (const rb of rows) {
      if (ra === rb) continue
      for (const a of ra.figures) {
        for (const b of rb.figures) {
          if (a.column !== b.column || b.value === 0 || a.percent || b.percent) continue
          const ratio = a.value / b.value
          if (matchesRatio(t, ratio)) return result(`${fmt(a)} / ${fmt(b)}`, ra.n, rb.n)
          if (!t.percent && matchesRatio(t, ratio * 365)) return result(`${fmt(a)} / ${fmt(b)} × 365`, ra.n, rb.n)
          if (matchesAmount(t, a.value - b.value, scalesOf(ra, a, b), false)) return result(`${fmt(a)} − ${fmt(b)}`, ra.n, rb.n)
          if (rows.indexOf(ra) < rows.indexOf(rb) && matchesAmount(t, a.value + b.value, scalesOf(ra, a, b), false))
            return result(`${fmt(a)} + ${fmt(b)}`, ra.n, rb.n)
        }
      }
    }
  }

  if (!wider) return fromAnswer(t, answerFigures)

  // two rows, two periods: change of a ratio (percentage points or percent), ratio to an average balance,
  // and the average of a ratio over every period both rows print
  for (const ra of rows) {
    for (const rb of rows) {
      if (ra === rb) continue
      const byColumn = new Map(rb.figures.map((f) => [f.column, f]))
      const ratios: { col: number; value: number; a: SourceFigure; b: SourceFigure }[] = []
      for (const a of ra.figures) {
        const b = byColumn.get(a.column)
        if (b !== undefined && b.value !== 0 && !a.percent && !b.percent) ratios.push({ col: a.column, value: a.value / b.value, a, b })
      }
      for (const x of ratios) {
        for (const y of ratios) {
          if (x === y) continue
          if (t.percent && matchesAmount(t, (x.value - y.value) * 100, [], true)) {
            return result(`${fmt(x.a)} / ${fmt(x.b)} − ${fmt(y.a)} / ${fmt(y.b)}`, ra.n, rb.n)
          }
          if (t.percent && y.value !== 0 && matchesRatio(t, x.value / y.value - 1))
            return result(`(${fmt(x.a)} / ${fmt(x.b)}) / (${fmt(y.a)} / ${fmt(y.b)}) − 1`, ra.n, rb.n)
        }
      }
      // statement rows only (a label and one figure per period), over two or three periods
      if (ratios.length >= 2 && ratios.length <= 3 && ra.figures.length <= 4 && rb.figures.length <= 4) {
        const mean = ratios.reduce((s, r) => s + r.value, 0) / ratios.length
        if (matchesRatio(t, mean)) return result(`mean of ${ratios.map((r) => `${fmt(r.a)} / ${fmt(r.b)}`).join(', ')}`, ra.n, rb.n)
      }
      for (const a of ra.figures) {
        if (a.percent) continue
        for (const b1 of rb.figures) {
          for (const b2 of rb.figures) {
            if (b1.column !== a.column || b2 === b1 || b1.percent || b2.percent) continue
            const avg = (b1.value + b2.value) / 2
            if (avg === 0) continue
            if (matchesSignedRatio(t, a.value / avg)) return result(`${fmt(a)} / ((${fmt(b1)} + ${fmt(b2)}) / 2)`, ra.n, rb.n)
            if (!t.percent && matchesSignedRatio(t, (avg / a.value) * 365))
              return result(`(${fmt(b1)} + ${fmt(b2)}) / 2 / ${fmt(a)} × 365`, ra.n, rb.n)
          }
        }
      }
    }
  }

  // three or four rows, one period: (a − b) / c and (a − b − c) / d (quick ratio, margins after a cost)
  const few = rows.slice(0, MAX_ROWS_FOUR_INPUTS)
  for (const ra of few) {
    for (const rb of few) {
      for (const rd of few) {
        if (ra === rb || rd === ra || rd === rb) continue
        for (const a of ra.figures) {
          const b = rb.figures.find((f) => f.column === a.column && !f.percent)
          const d = rd.figures.find((f) => f.column === a.column && !f.percent)
          if (a.percent || b === undefined || d === undefined || d.value === 0) continue
          if (matchesSignedRatio(t, (a.value - b.value) / d.value)) return result(`(${fmt(a)} − ${fmt(b)}) / ${fmt(d)}`, ra.n, rb.n, rd.n)
          if (few.indexOf(ra) < few.indexOf(rb) && matchesSignedRatio(t, (a.value + b.value) / d.value))
            return result(`(${fmt(a)} + ${fmt(b)}) / ${fmt(d)}`, ra.n, rb.n, rd.n)
          for (const rc of few) {
            if (rc === ra || rc === rb || rc === rd || few.indexOf(rc) < few.indexOf(rb)) continue
            const c = rc.figures.find((f) => f.column === a.column && !f.percent)
            if (c !== undefined && matchesSignedRatio(t, (a.value - b.value - c.value) / d.value)) {
              return result(`(${fmt(a)} − ${fmt(b)} − ${fmt(c)}) / ${fmt(d)}`, ra.n, rb.n, rc.n, rd.n)
            }
          }
        }
      }
    }
  }

  return fromAnswer(t, answerFigures)
}

/** From the answer's own accepted figures: "from 36.8% to 34.6%, a drop of 2.2%". */
export function fromAnswer(t: Target, answerFigures: readonly AnswerFigure[]): Derivation | undefined {
  const full = t.value * (t.scale ?? 1)
  for (const a of answerFigures) {
    for (const b of answerFigures) {
      if (a === b || a.percent !== b.percent) continue
      if (a.percent === t.percent && Math.abs(Math.abs(a.value - b.value) - full) <= t.tolerance * (t.scale ?? 1))
        return { expression: `${a.raw} − ${b.raw}`, source: 0 }
      if (t.percent && b.value !== 0 && matchesRatio(t, (a.value - b.value) / b.value))
        return { expression: `(${a.raw} − ${b.raw}) / ${b.raw}`, source: 0 }
    }
  }
  return undefined
}

const SHARE_OF_TOTAL = /\bof (?:the )?total\b/i

/**
 * "87% of the total liability is employee costs": one part of a row that prints its own total — a row
 * whose last figure is the sum of the others (checked, so no row is taken for a total by position alone)
 * and whose label the claim names at least once. Parts of a verified total are few (one row's cells), so
 * the search stays as small as the one-row families above.
 */
export function shareOfTotal(
  t: Target,
  sentence: string,
  sources: readonly { n: number; figures: SourceFigures }[],
): Derivation | undefined {
  if (!t.percent || !SHARE_OF_TOTAL.test(sentence)) return undefined
  const words = new Set(contentWords(sentence).map(stem))
  for (const s of sources) {
    for (const row of s.figures.rows) {
      const cells = row.figures.filter((f) => !f.isYear && !f.isDay && !f.percent)
      const total = cells.at(-1)
      if (total === undefined || cells.length < 3 || total.value === 0) continue
      const parts = cells.slice(0, -1)
      const sum = parts.reduce((x, f) => x + f.value, 0)
      if (Math.abs(sum - total.value) > 0.5 * parts.length * 10 ** -total.decimals) continue
      if (!contentWords(row.label).some((w) => words.has(stem(w)))) continue
      for (const p of parts) {
        if (matchesRatio(t, p.value / total.value)) return { expression: `${fmt(p)} / ${fmt(total)} [${s.n}]`, source: s.n }
      }
    }
  }
  return undefined
}

// "9 percent (previously 8 percent)": the words between a figure and the one it replaced
const MAX_BETWEEN_WORDS = 3

/**
 * "raised guidance by 1 percentage point": the difference of two percentages a source sentence states for
 * the same item, the new one and the one it replaced ("9 percent (previously 8 percent)", "to 9% from 8%").
 * Only adjacent pairs with a few words between them, and only when the words before the pair name the
 * claim's item (two of its words): another item's pair in the same sentence ("revenue 8 percent
 * (previously 6 percent)") gives nothing. A handful of pairs per sentence, so loose targets may use it.
 */
export function statedChange(
  t: Target,
  terms: ClaimTerms,
  sources: readonly { n: number; figures: SourceFigures }[],
): Derivation | undefined {
  if (!t.percent) return undefined
  for (const s of sources) {
    const rows = s.figures.rows
    for (let i = 0; i + 1 < rows.length; i++) {
      const row = rows[i] as SourceRow
      const next = rows[i + 1] as SourceRow
      const a = row.figures.at(-1)
      const b = next.figures[0]
      if (a === undefined || b === undefined || !a.percent || !b.percent || row.sentence === '' || row.sentence !== next.sentence) continue
      if (tokenize(next.label).length > MAX_BETWEEN_WORDS) continue
      const named = new Set(contentWords(row.label).map(stem))
      if ([...terms.words].filter((w) => named.has(w)).length < MIN_ANCHOR) continue
      if (matchesAmount(t, a.value - b.value, [], true)) return { expression: `${a.raw} − ${b.raw} [${s.n}]`, source: s.n }
    }
  }
  return undefined
}
