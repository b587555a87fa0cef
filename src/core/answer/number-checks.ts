import type { BoundedCache } from '../bounded-cache.js'
import {
  anchoredRows,
  claimTerms,
  findDerivation,
  LOOSENESS,
  targetOf,
  type AnchoredRow,
  type AnswerFigure,
  type Target,
} from './derivation.js'
import { numberContext } from './number-context.js'
import { extractNumbers, isSupported, MagnitudeIndex, type ExtractedNumber } from './numbers.js'
import { figureScales, sourceFigures, type SourceFigures } from './source-figures.js'

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
}

function prepare(text: string): PreparedSource {
  const figures = sourceFigures(text)
  const magnitudes: number[] = []
  for (const f of figures.figures) {
    for (const s of figureScales(f, figures.bareScales)) magnitudes.push(Math.abs(f.value) * s)
  }
  return { figures, index: new MagnitudeIndex(magnitudes), years: new Set(text.match(/(?<!\d)(?:19|20)\d\d(?!\d)/g) ?? []) }
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
  const numbers = extractNumbers(text)
  if (numbers.length === 0) return []
  const sources = cited.map((s) => ({ n: s.n, ...(figures?.getOrCompute(s.text, prepare) ?? prepare(s.text)) }))
  const short = text.length <= 400
  const claims = new Map<string, AnchoredRow[]>()
  const rowsFor = (n: ExtractedNumber): AnchoredRow[] => {
    const sentence = short ? text : sentenceAt(text, n.index)
    let rows = claims.get(sentence)
    if (rows === undefined) claims.set(sentence, (rows = anchoredRows(claimTerms(sentence, question), sources)))
    return rows
  }
  const targets = numbers.map(targetOf)

  let squashed: { n: number; text: string }[] | undefined
  const verbatim = (n: ExtractedNumber): NumberCheck | undefined => {
    squashed ??= cited.map((s) => ({ n: s.n, text: squash(s.text) }))
    return verbatimCheck(n, text, squashed)
  }
  const checks: (NumberCheck | undefined)[] = numbers.map(
    (n, i) => contextCheck(n, text, sources) ?? verbatim(n) ?? quotedCheck(n, targets[i] as Target, sources, rowsFor),
  )
  const accepted: AnswerFigure[] = []
  checks.forEach((c, i) => {
    const n = numbers[i] as ExtractedNumber
    if (c?.verdict === 'quoted') accepted.push({ raw: n.raw, value: n.value * (n.scale ?? 1), percent: n.percent })
  })
  checks.forEach((c, i) => {
    if (c !== undefined) return
    const n = numbers[i] as ExtractedNumber
    const found = findDerivation(targets[i] as Target, rowsFor(n), accepted)
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
  })
  return checks as NumberCheck[]
}

function contextCheck(n: ExtractedNumber, text: string, sources: readonly ({ n: number } & PreparedSource)[]): NumberCheck | undefined {
  const context = numberContext(n, text)
  if (context === 'year') {
    const s = sources.find((x) => x.years.has(n.raw))
    return s === undefined
      ? { text: n.raw, verdict: 'unsupported', reason: 'a year no cited source mentions' }
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
  t: Target,
  sources: readonly ({ n: number } & PreparedSource)[],
  rowsFor: (n: ExtractedNumber) => AnchoredRow[],
): NumberCheck | undefined {
  const s = sources.find((x) => x.index.supports(n))
  if (s === undefined) return undefined
  if (t.looseness <= LOOSENESS.quoteAnywhere) return { text: n.raw, verdict: 'quoted', source: s.n }
  const rows = rowsFor(n)
  if (rows.length === 0) return { text: n.raw, verdict: 'quoted', source: s.n }
  for (const row of rows) {
    const magnitudes = row.figures.flatMap((f) => figureScales(f, row.bareScales).map((b) => Math.abs(f.value) * b))
    if (isSupported(n, magnitudes)) return { text: n.raw, verdict: 'quoted', source: row.n }
  }
  return undefined
}
function sentenceAt(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('\n', index), ...['. ', '! ', '? '].map((p) => text.lastIndexOf(p, index)))
  const ends = ['\n', '. ', '! ', '? '].map((p) => text.indexOf(p, index)).filter((i) => i >= 0)
  return text.slice(start < 0 ? 0 : start + 1, ends.length === 0 ? text.length : Math.min(...ends))
}
