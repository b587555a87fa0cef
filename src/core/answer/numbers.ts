/**
 * Number extraction for the fact-lock check. Financial text writes one figure many ways ("$1,577",
 * "1,577" in a table "in millions", "$1.577 billion", "(370)" for a negative, "12.5%"), so a number is
 * compared by magnitude, at the precision the answer states it.
 */
export interface ExtractedNumber {
  /** as written, e.g. "$1.577 billion" */
  readonly raw: string
  /** absolute value in the unit written (1.577 for "1.577 billion") */
  readonly value: number
  /** multiplier of a scale word (1e9 for "billion"); undefined when none was written */
  readonly scale: number | undefined
  /** digits after the decimal point, the precision the figure claims */
  readonly decimals: number
  /** written with a percent sign, "percent", or as percentage points ("1 percentage point", "2.2pp") */
  readonly percent: boolean
  /** where `raw` starts in the text */
  readonly index: number
}

const SCALES: Record<string, number> = {
  thousand: 1e3,
  k: 1e3,
  million: 1e6,
  millions: 1e6,
  mn: 1e6,
  m: 1e6,
  mm: 1e6,
  billion: 1e9,
  billions: 1e9,
  bn: 1e9,
  b: 1e9,
  trillion: 1e12,
  tn: 1e12,
}

// A figure not glued to letters ("Q1", "FY2018" and "10-K" are labels, not quantities), with an optional
// currency sign, accounting parentheses, percent sign and scale word.
const NUMBER =
  /(?<![\p{L}\d.,])(\(?)([$€£]?)\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\)?)(?:\s?(%|percent\b|percentage points?\b|pp\b|ppts?\b))?(?:\s?(thousand|millions?|billions?|trillion|mn|mm|bn|tn|[kmb])\b)?(?![\p{L}\d]|-[\p{L}])/giu

// The same pattern, tried at one position at a time.
const NUMBER_AT = new RegExp(NUMBER.source, 'iuy')

/**
 * The figures `NUMBER` finds scanning the whole text, found by trying it only where a figure can start:
 * a match holds a digit that starts a run of digits (the look-behind rules out a digit before it) at most
 * three characters after the match's start (an opening parenthesis, a currency sign, a space), so the
 * positions up to three before each run's first digit are all there is to try, in order.
 */
function* figures(text: string): Generator<RegExpExecArray> {
  let next = 0
  for (let d = 0; d < text.length; d++) {
    if (!isDigit(text.charCodeAt(d)) || (d > 0 && isDigit(text.charCodeAt(d - 1)))) continue
    for (let p = Math.max(next, d - 3); p <= d; p++) {
      NUMBER_AT.lastIndex = p
      const m = NUMBER_AT.exec(text)
      next = p + 1
      if (m !== null) {
        next = NUMBER_AT.lastIndex
        yield m
        break
      }
    }
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

export function extractNumbers(text: string): ExtractedNumber[] {
  const out: ExtractedNumber[] = []
  for (const m of figures(text)) {
    const integer = (m[3] ?? '').replaceAll(',', '')
    const fraction = m[4] ?? ''
    const value = Number(integer + fraction)
    if (!Number.isFinite(value)) continue
    const scaleWord = m[7]?.toLowerCase()
    out.push({
      raw: m[0].trim(),
      index: m.index + m[0].length - m[0].trimStart().length,
      percent: m[6] !== undefined,
      value,
      scale: scaleWord === undefined ? undefined : SCALES[scaleWord],
      decimals: fraction.length > 0 ? fraction.length - 1 : 0,
    })
  }
  return out
}

/**
 * The decimals a figure claims: trailing zeros after the point are formatting, not precision ("$8.70",
 * "$1577.00" as answer templates print every amount).
 */
export function claimedDecimals(n: ExtractedNumber): number {
  const fraction = /\.(\d+)/.exec(n.raw)?.[1] ?? ''
  return Math.min(n.decimals, fraction.replace(/0+$/, '').length)
}

/**
 * The magnitudes a source number may stand for. A bare figure in a filing is often a table cell "in
 * thousands" or "in millions", so it may stand for itself times 1e3, 1e6 or 1e9.
 */
export function sourceMagnitudes(numbers: readonly ExtractedNumber[]): number[] {
  const out: number[] = []
  for (const n of numbers) {
    if (n.scale !== undefined) out.push(n.value * n.scale)
    else out.push(n.value, n.value * 1e3, n.value * 1e6, n.value * 1e9)
  }
  return out
}

/** True when some source magnitude, written in the answer's unit and rounded to its precision, equals it. */
export function isSupported(n: ExtractedNumber, magnitudes: readonly number[]): boolean {
  const unit = n.scale ?? 1
  const factor = 10 ** n.decimals
  const target = Math.round(n.value * factor)
  for (const m of magnitudes) {
    if (Math.round((m / unit) * factor) === target) return true
  }
  return false
}

/**
 * `isSupported` over many answers' numbers against the same sources: the rounded values a source's
 * magnitudes give at each (unit, precision) are computed once per source and looked up after.
 */
export class MagnitudeIndex {
  readonly #magnitudes: readonly number[]
  readonly #rounded = new Map<string, Set<number>>()

  constructor(magnitudes: readonly number[]) {
    this.#magnitudes = magnitudes
  }

  /** The same verdict as `isSupported(n, magnitudes)`. */
  supports(n: ExtractedNumber): boolean {
    const unit = n.scale ?? 1
    const factor = 10 ** n.decimals
    const key = `${unit}:${factor}`
    let rounded = this.#rounded.get(key)
    if (rounded === undefined) {
      rounded = new Set()
      for (const m of this.#magnitudes) rounded.add(Math.round((m / unit) * factor))
      this.#rounded.set(key, rounded)
    }
    return rounded.has(Math.round(n.value * factor))
  }
}
