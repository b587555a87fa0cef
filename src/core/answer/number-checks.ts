import type { BoundedCache } from '../bounded-cache.js'
import {
  anchoredRows,
  claimTerms,
  findDerivation,
  fromAnswer,
  LOOSENESS,
  matchesAmount,
  matchesRatio,
  shareOfTotal,
  statedChange,
  targetOf,
  type AnchoredRow,
  type AnswerFigure,
  type Derivation,
  type Target,
} from './derivation.js'
import { findMetricDerivation, headerYears, metricRows, type MetricRow } from './metric-derivation.js'
import { numberContext } from './number-context.js'
import { claimedDecimals, extractNumbers, isSupported, MagnitudeIndex, type ExtractedNumber } from './numbers.js'
import { figureScales, sourceFigures, type SourceFigure, type SourceFigures } from './source-figures.js'

/**
 * A verdict for every number of an answer, against the sources it cites:
 * - quoted: a figure of a cited source, allowing the source's declared unit, the answer's scale word and
 *   rounding to the precision the answer shows;
 * - derived: reproduced by one small expression over figures of the cited sources (see `findDerivation`),
 *   reported with the expression;
 * - context: a year, a date, a duration or a list number (see `numberContext`). A year must be one a
 *   cited source mentions (an answer "in 2019" over sources about 2017 and 2018 fails); whether each
 *   amount belongs to the period the sentence names is not checked: a cell is accepted from any column;
 * - unsupported: none of these.
 */
export interface NumberCheck {
  readonly text: string
  readonly verdict: 'quoted' | 'derived' | 'context' | 'unsupported'
  /** the source marker that holds the figure (quoted) or the first input (derived) */
  readonly source?: number
  /** e.g. "30.8% = (177,866 − 135,987) / 135,987 [1]" */
  readonly expression?: string
  /** why a context or unsupported verdict was given */
  readonly reason?: string
}

export interface CheckedSource {
  readonly n: number
  readonly text: string
}

export interface PreparedSource {
  readonly figures: SourceFigures
  readonly index: MagnitudeIndex
  readonly years: ReadonlySet<string>
  /** the table's period columns, when its header prints them (see `headerYears`) */
  readonly columns: readonly string[] | undefined
}

function prepare(text: string): PreparedSource {
  const figures = sourceFigures(text)
  const magnitudes: number[] = []
  for (const f of figures.figures) {
    for (const s of figureScales(f, figures.bareScales)) magnitudes.push(Math.abs(f.value) * s)
  }
  return {
    figures,
    index: new MagnitudeIndex(magnitudes),
    years: new Set(text.match(/(?<!\d)(?:19|20)\d\d(?!\d)/g) ?? []),
    columns: headerYears(figures),
  }
}

/**
 * `text` is the answer with citation markers blanked out (markers are not quantities). `question` is the
 * claim's other half: "1.9%" alone says nothing, "capex as a % of revenue" names the rows it comes from.
 */
export function checkNumbers(
  text: string,
  cited: readonly CheckedSource[],
  question = '',
  figures?: BoundedCache<string, PreparedSource>,
): NumberCheck[] {
  const unit = QUESTION_UNIT.exec(question)?.[1]?.toLowerCase()
  const numbers = extractNumbers(text).map((n) => asWritten(n, text, unit === undefined ? undefined : UNIT_SCALE[unit]))
  if (numbers.length === 0) return []
  const sources = cited.map((s) => ({ n: s.n, ...(figures?.getOrCompute(s.text, prepare) ?? prepare(s.text)) }))
  const short = text.length <= 400
  const claims = new Map<string, AnchoredRow[]>()
  const rowsFor = (n: ExtractedNumber, derivation = false): AnchoredRow[] => {
    const sentence = short ? text : sentenceAt(text, n.index)
    // a derivation of a bare figure may take the question's words for its rows; a quote may not
    const own = derivation ? sentenceAt(text, n.index) : sentence
    const key = `${derivation ? 'd' : 'q'}\u0000${own}`
    let rows = claims.get(key)
    if (rows === undefined) claims.set(key, (rows = anchoredRows(claimTerms(own, question, derivation), sources)))
    return rows
  }
  const targets = numbers.map(targetOf)

  let squashed: { n: number; text: string }[] | undefined
  const verbatim = (n: ExtractedNumber): NumberCheck | undefined => {
    squashed ??= cited.map((s) => ({ n: s.n, text: squash(s.text) }))
    return verbatimCheck(n, text, squashed)
  }
  const checks: (NumberCheck | undefined)[] = numbers.map(
    (n, i) => contextCheck(n, text, sources) ?? verbatim(n) ?? quotedCheck(n, text, targets[i] as Target, sources, rowsFor),
  )
  const accepted: AnswerFigure[] = []
  checks.forEach((c, i) => {
    const n = numbers[i] as ExtractedNumber
    if (c?.verdict === 'quoted') accepted.push({ raw: n.raw, value: n.value * (n.scale ?? 1), percent: n.percent })
  })
  // Derivations may build on each other ("improved by 13% from 143% to 156%": the 13% needs the two
  // figures after it), so the pass repeats while it accepts something, at most once per number.
  let metricRowsOf: MetricRow[] | undefined
  for (let pass = 0, progress = true; progress && pass < numbers.length; pass++) {
    progress = false
    checks.forEach((c, i) => {
      if (c !== undefined && c.verdict !== 'unsupported') return
      if (c?.reason === YEAR_UNSUPPORTED) return
      const n = numbers[i] as ExtractedNumber
      const t = targets[i] as Target
      metricRowsOf ??= metricRows(sources)
      const found = derive(
        t,
        sentenceAt(text, n.index),
        question,
        metricRowsOf,
        () => rowsFor(n, true),
        accepted,
        sources,
        boundYear(n, text),
      )
      if (found === undefined) {
        checks[i] = {
          text: n.raw,
          verdict: 'unsupported',
          reason: 'in no cited source, and no expression over the figures the answer names gives it',
        }
        return
      }
      checks[i] = {
        text: n.raw,
        verdict: 'derived',
        expression: `${n.raw} = ${found.expression}`,
        ...(found.source > 0 ? { source: found.source } : {}),
      }
      accepted.push({ raw: n.raw, value: n.value * (n.scale ?? 1), percent: n.percent })
      progress = true
    })
  }
  return checks as NumberCheck[]
}

const YEAR_UNSUPPORTED = 'a year no cited source mentions'
const EARLY_MONTH_DAY = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?)\.?\s+\d{1,2},?\s*$/i

// "Answer in USD millions", "(in USD billions)": the unit of a bare amount in the answer
const QUESTION_UNIT = /\bin\s+(?:units\s+of\s+)?(?:USD|US\$|\$|dollars)?\s*(thousands|millions|billions)\b/i
const UNIT_SCALE: Record<string, number> = { thousands: 1e3, millions: 1e6, billions: 1e9 }

/**
 * What an answer's figure claims: its decimals without the formatting zeros (`claimedDecimals`). A currency amount with no scale word, in an answer
 * to a question that names its unit ("Answer in USD billions"), is in that unit.
 */
function asWritten(n: ExtractedNumber, text: string, questionScale: number | undefined): ExtractedNumber {
  const decimals = claimedDecimals(n)
  const currency = /^\(?[$€£]/.test(n.raw)
  const scale = n.scale ?? (questionScale !== undefined && currency && !n.percent ? questionScale : undefined)
  return decimals === n.decimals && scale === n.scale ? n : { ...n, decimals, scale }
}

/**
 * A metric the claim names (its sentence or the question) is checked by that metric's formula alone
 * (`findMetricDerivation`); only a claim naming no computable metric falls back to the generic search
 * over the rows it names.
 */
function derive(
  t: Target,
  sentence: string,
  question: string,
  rows: readonly MetricRow[],
  anchored: () => AnchoredRow[],
  accepted: readonly AnswerFigure[],
  sources: readonly { n: number; figures: SourceFigures }[],
  year: string | undefined,
): Derivation | undefined {
  const metric = findMetricDerivation(t, `${sentence} \n ${question}`, rows, matchesRatio, matchesAmount, year)
  if (metric.found !== undefined) return metric.found
  if (metric.computable) return fromAnswer(t, accepted)
  return (
    findDerivation(t, anchored(), accepted) ??
    shareOfTotal(t, sentence, sources) ??
    statedChange(t, claimTerms(sentence, question), sources)
  )
}

function contextCheck(n: ExtractedNumber, text: string, sources: readonly ({ n: number } & PreparedSource)[]): NumberCheck | undefined {
  const context = numberContext(n, text)
  if (context === 'year') {
    let s = sources.find((x) => x.years.has(n.raw))
    // "the 12 months ended January 28, 2023" over sources that call it fiscal 2022: a fiscal year ending in
    // the first months of a calendar year is named by either year
    if (s === undefined && EARLY_MONTH_DAY.test(text.slice(Math.max(0, n.index - 16), n.index))) {
      s = sources.find((x) => x.years.has(String(Number(n.raw) - 1)))
      if (s !== undefined) return { text: n.raw, verdict: 'context', source: s.n, reason: 'date' }
    }
    return s === undefined
      ? { text: n.raw, verdict: 'unsupported', reason: YEAR_UNSUPPORTED }
      : { text: n.raw, verdict: 'context', source: s.n, reason: 'year' }
  }
  return context === undefined ? undefined : { text: n.raw, verdict: 'context', reason: context }
}

/** Words around a figure that make its quotation unmistakable (a changed figure never matches). */
const VERBATIM_CONTEXT = 32

/**
 * A figure inside a run of the answer copied word for word from a cited source — the figure with whole
 * words on both sides, at least VERBATIM_CONTEXT characters of them — is quoted, however loose its
 * precision: the source says exactly this. A perturbed figure breaks the run, so this never excuses one.
 */
function verbatimCheck(n: ExtractedNumber, text: string, sources: readonly { n: number; text: string }[]): NumberCheck | undefined {
  const end = n.index + n.raw.length
  const before = text.slice(Math.max(0, n.index - VERBATIM_CONTEXT - 16), n.index)
  const after = text.slice(end, end + VERBATIM_CONTEXT + 16)
  // whole words only: drop the partial word at each cut end
  // ...and never past the answer's line, which may join passages of different sources
  const lineStart = before.lastIndexOf('\n')
  const lineEnd = after.indexOf('\n')
  const head = lineStart >= 0 ? before.slice(lineStart + 1) : n.index - VERBATIM_CONTEXT - 16 > 0 ? before.replace(/^\S*\s/, '') : before
  const tail = lineEnd >= 0 ? after.slice(0, lineEnd) : end + VERBATIM_CONTEXT + 16 < text.length ? after.replace(/\s\S*$/, '') : after
  const needle = squash(head + n.raw + tail)
  if (needle.length < n.raw.length + VERBATIM_CONTEXT) return undefined
  const s = sources.find((x) => x.text.includes(needle))
  return s === undefined ? undefined : { text: n.raw, verdict: 'quoted', source: s.n }
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * A figure of a cited source. A precise figure ("$1,577 million") may be found anywhere; a loose one
 * ("20%", "$1.8 bn") matches some figure of almost any page, so it must sit in a row the claim names,
 * unless the claim names no row at all (then the page is all there is to go by).
 */
function quotedCheck(
  n: ExtractedNumber,
  text: string,
  t: Target,
  sources: readonly ({ n: number } & PreparedSource)[],
  rowsFor: (n: ExtractedNumber) => AnchoredRow[],
): NumberCheck | undefined {
  const count = isCount(n, text)
  const s = count ? sources.find((x) => isSupported(n, scaledFigures(x.figures, { count }))) : sources.find((x) => x.index.supports(n))
  if (s === undefined) return undefined
  if (t.looseness <= LOOSENESS.quoteAnywhere) return { text: n.raw, verdict: 'quoted', source: s.n }
  const rows = rowsFor(n)
  if (rows.length === 0) return { text: n.raw, verdict: 'quoted', source: s.n }
  const year = boundYear(n, text)
  for (const row of rows) {
    const magnitudes = scaledFigures(inYear(row, year, sources), { count })
    if (isSupported(n, magnitudes)) return { text: n.raw, verdict: 'quoted', source: row.n }
  }
  return undefined
}
// "24.6% in FY 2021", "20% for fiscal 2021": the year written right after a figure is the period it claims
const BOUND_YEAR = /^\s*(?:in|for|during)\s+(?:the\s+)?(?:fiscal\s+(?:year\s+)?|FY\s?'?)?((?:19|20)\d\d)(?!\d)/i

function boundYear(n: ExtractedNumber, text: string): string | undefined {
  return BOUND_YEAR.exec(text.slice(n.index + n.raw.length, n.index + n.raw.length + 32))?.[1]
}

/**
 * The cell of a row for the year the claim binds its figure to, when the row's table prints its period
 * columns and the row has one cell per column ("Effective tax rate 21.6 % 24.6 % 27.0 %" under "2022 2021
 * 2020"): 27.0 % is not "in FY 2021". Any cell otherwise, as a page without column years says no more.
 */
function inYear<R extends AnchoredRow>(row: R, year: string | undefined, sources: readonly ({ n: number } & PreparedSource)[]): R {
  if (year === undefined) return row
  const columns = sources.find((x) => x.n === row.n)?.columns
  const at = columns?.indexOf(year) ?? -1
  if (columns === undefined || at < 0 || row.figures.length !== columns.length) return row
  return { ...row, figures: row.figures.slice(at, at + 1) }
}

/** Every magnitude the figures may stand for, in full units. */
function scaledFigures(
  from: { readonly figures: readonly SourceFigure[]; readonly bareScales: readonly number[] },
  claim: { readonly count: boolean },
): number[] {
  return from.figures.flatMap((f) => figureScales(f, from.bareScales, claim).map((b) => Math.abs(f.value) * b))
}

// Plural nouns after a figure that are units, spans or multiples, not things counted
const NOT_COUNTED = new Set([
  'dollars',
  'thousands',
  'millions',
  'billions',
  'percent',
  'points',
  'basis',
  'years',
  'months',
  'weeks',
  'days',
  'quarters',
  'times',
  'cents',
  'hours',
])

/**
 * A figure counting things: no currency, scale word or percent, and a plural noun after it, at most one
 * word between ("982 stores", "47 new stores").
 */
function isCount(n: ExtractedNumber, text: string): boolean {
  if (n.scale !== undefined || n.percent || /[$€£]/.test(n.raw)) return false
  const noun = /^\s+(?:[a-z]+(?:-[a-z]+)?\s+)?([a-z]{3,}s)\b/.exec(text.slice(n.index + n.raw.length, n.index + n.raw.length + 40))?.[1]
  return noun !== undefined && !noun.endsWith('ss') && !NOT_COUNTED.has(noun)
}

function sentenceAt(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('\n', index), ...['. ', '! ', '? '].map((p) => text.lastIndexOf(p, index)))
  const ends = ['\n', '. ', '! ', '? '].map((p) => text.indexOf(p, index)).filter((i) => i >= 0)
  return text.slice(start < 0 ? 0 : start + 1, ends.length === 0 ? text.length : Math.min(...ends))
}
