import { extractNumbers, type ExtractedNumber } from './numbers.js'

/**
 * A source's figures grouped the way a statement prints them: a row label, then one figure per period.
 * Page text loses the table grid, but a label is the only run of words between one row's figures and the
 * next's, so "Net sales $ 177,866 $ 135,987" becomes the row "Net sales" with columns 0 and 1. Prose
 * sentences become "rows" too (the words before a figure label it), which is all the derivation search
 * needs: it only combines figures whose labels the answer names.
 */
export interface SourceFigure {
  readonly raw: string
  /** signed value as printed: "(370)" is -370 */
  readonly value: number
  readonly decimals: number
  readonly percent: boolean
  /** multiplier of a scale word written with the figure itself ("$1.8 billion"), already applied to `value` */
  readonly scale: number | undefined
  readonly row: number
  /** position of the figure in its row: the period column for a statement row */
  readonly column: number
  /** a plain year (1900–2100, no comma or sign): a column header, not an amount */
  readonly isYear: boolean
  /** the day of a date ("May 26", "December 31"): not an amount either */
  readonly isDay: boolean
}

export interface SourceRow {
  readonly label: string
  /**
   * For a figure written in prose, the sentence around it: "the opening of 47 new stores since …" says
   * what 47 counts, mostly in words after it. Empty for statement rows.
   */
  readonly sentence: string
  readonly figures: readonly SourceFigure[]
}

export interface SourceFigures {
  readonly rows: readonly SourceRow[]
  readonly figures: readonly SourceFigure[]
  /**
   * Multipliers a bare figure may carry: the units the page declares ("in millions", "(Dollars in
   * thousands)") plus 1 for per-share data and counts; every scale when the page declares none.
   */
  readonly bareScales: readonly number[]
}

const UNIT = /\b(?:in|\$\s*in|\(\s*\$?\s*in)?\s*\(?(thousands|millions|billions)\b/gi
const UNIT_WORD: Record<string, number> = { thousands: 1e3, millions: 1e6, billions: 1e9 }
// Words between two figures that start a new row: two letters or more (not "$", "|", "(a)" marks).
const WORDS = /\p{L}{2,}/u

// "(Note 11)", "(Notes 10 and 14)": a reference in a caption, not a figure of the row
const NOTE_REFERENCE = /\(\s*Notes?\s+\d[\d\s,&]*(?:and\s+\d+\s*)?\)/gi

export function sourceFigures(source: string): SourceFigures {
  // blanked to the same length, so every figure keeps its position in the text
  const text = source.replace(NOTE_REFERENCE, (m) => ' '.repeat(m.length))
  const numbers = extractNumbers(text)
  const rows: { label: string; sentence: string; figures: SourceFigure[] }[] = []
  let end = 0
  for (const n of numbers) {
    const gap = text.slice(end, n.index)
    let row = rows[rows.length - 1]
    if (row === undefined || WORDS.test(gap)) {
      row = { label: labelOf(gap), sentence: proseSentence(text, n.index), figures: [] }
      rows.push(row)
    }
    row.figures.push(toFigure(n, rows.length - 1, row.figures.length, MONTH_BEFORE.test(text.slice(Math.max(0, n.index - 12), n.index))))
    end = n.index + n.raw.length
  }
  const declared = new Set<number>()
  for (const m of text.matchAll(UNIT)) {
    const scale = UNIT_WORD[(m[1] ?? '').toLowerCase()]
    // "in millions" written as a heading, not "millions of customers" in prose: the word must be in a
    // parenthesis or follow "in"
    if (scale !== undefined && /\(|\bin\b/i.test(m[0])) declared.add(scale)
  }
  const bareScales = declared.size === 0 ? UNDECLARED : [1, ...declared]
  return { rows, figures: rows.flatMap((r) => r.figures), bareScales }
}

const MONTH_BEFORE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+$/i

function toFigure(n: ExtractedNumber, row: number, column: number, afterMonth: boolean): SourceFigure {
  const negative = n.raw.startsWith('(') && n.raw.endsWith(')')
  return {
    raw: n.raw.replace(/[$€£]\s*/g, '').replace(/\s+/g, ' '),
    // a figure with its own scale word is held in full units ("$1.8 billion" is 1.8e9)
    value: (negative ? -n.value : n.value) * (n.scale ?? 1),
    decimals: n.decimals,
    percent: n.percent,
    scale: n.scale,
    row,
    column,
    isYear: n.decimals === 0 && n.scale === undefined && !n.percent && /^\d{4}$/.test(n.raw) && n.value >= 1900 && n.value <= 2100,
    isDay:
      afterMonth && n.decimals === 0 && n.scale === undefined && !n.percent && /^\d{1,2}$/.test(n.raw) && n.value >= 1 && n.value <= 31,
  }
}

const MAX_SENTENCE = 320
const MIN_PROSE_WORDS = 6

/**
 * The sentence holding position `at`, when it reads as prose: it ends with a full stop within
 * MAX_SENTENCE characters and has at least MIN_PROSE_WORDS lower-case words. A statement flattened to
 * one line has no full stops for hundreds of characters, so its rows get none.
 */
function proseSentence(text: string, at: number): string {
  const start = Math.max(text.lastIndexOf('. ', at), text.lastIndexOf('.\n', at))
  const stop = text.slice(at).search(/\.(?:\s|$)/)
  if (stop < 0) return ''
  const sentence = text.slice(start < 0 ? 0 : start + 2, at + stop).replace(/\s+/g, ' ')
  if (sentence.length > MAX_SENTENCE) return ''
  return (sentence.match(/(?:^|\s)[a-z]{2,}/g) ?? []).length >= MIN_PROSE_WORDS ? sentence : ''
}

/** The words of a gap, without table rules, currency signs and the end of a previous sentence. */
function labelOf(gap: string): string {
  const flat = gap.replace(/[|$]/g, ' ').replace(/\s+/g, ' ').trim()
  const sentenceStart = Math.max(flat.lastIndexOf('. '), flat.lastIndexOf('; '))
  const label = sentenceStart >= 0 && sentenceStart < flat.length - 3 ? flat.slice(sentenceStart + 2) : flat
  return label.length > 160 ? label.slice(-160) : label
}

/**
 * What a figure may be multiplied by to reach full units: nothing when it carries its own scale word or is
 * printed in full (ten million or more: no table "in thousands" prints figures that long); otherwise the
 * page's `bareScales`.
 */
export function figureScales(f: SourceFigure, bareScales: readonly number[], claim: { readonly count?: boolean } = {}): readonly number[] {
  if (f.scale !== undefined || Math.abs(f.value) >= 1e7) return [1]
  // a claimed count ("982,000 stores") is read off a page that declares no unit as printed: an undeclared
  // "982" counts stores, it is no figure in thousands
  if (claim.count === true && bareScales === UNDECLARED) return [1]
  // a page that declares no unit: a whole number is not taken for billions (tables in billions print
  // decimals, "$ 2.5"), or "$411 million" would pass as "$411 billion"
  return bareScales === UNDECLARED && f.decimals === 0 ? UNDECLARED_WHOLE : bareScales
}

const UNDECLARED: readonly number[] = [1, 1e3, 1e6, 1e9]
const UNDECLARED_WHOLE: readonly number[] = [1, 1e3, 1e6]
