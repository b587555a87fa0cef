/**
 * Statement tables as typed facts: a label, a period, a value and the value's scale, read from a page's
 * text at ingest. A table starts at a header line of distinct fiscal years ("2019  2018  2017"); each
 * following line with a label and exactly one cell per period becomes one fact per period. Labels
 * broken over lines are joined (a line of words alone continues into the next row's label); "(370)" is
 * negative; a dash is zero; "$" and footnote marks after a label ("Net revenues (1)") are dropped; the
 * page's "(in millions)" / "(in thousands, except per share data)" gives every cell its scale.
 *
 * When unsure, no fact: a row with more or fewer cells than periods (ragged, a percent column beside
 * each amount, a number split over lines), a header whose years repeat ("Three Months … Nine Months …
 * 2023 2022 2023 2022": which column is which period is not knowable from text) or a page without a
 * header yields nothing rather than a fact with the wrong period.
 */
export interface StatementFact {
  /** 1-based page */
  readonly page: number
  readonly label: string
  /** the column header: a fiscal year, e.g. "2019" */
  readonly period: string
  /** signed value as printed, times `scale` gives full units */
  readonly value: number
  /** 1e3 / 1e6 / 1e9 from the table's unit line; 1 for per-share rows and undeclared tables */
  readonly scale: number
}

const YEAR = /^(?:19|20)\d\d$/
/** a footnote mark written after a header's year */
const FOOTNOTE_MARK = /(?:\*+|[†‡§]|\([a-z0-9]\))$/
const UNIT = /\(\s*(?:\$|dollars|amounts|in)?[^)]{0,20}?\b(thousands|millions|billions)\b/i
const SCALE: Record<string, number> = { thousands: 1e3, millions: 1e6, billions: 1e9 }
// a cell: "$ 1,234", "(370)", "12.5", "—", "-"; percent columns are not amounts of the row's unit
const CELL = /^\((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\)$|^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/
const DASH = /^[—–-]+$/
const FOOTNOTE = /\s*\((?:\d|[a-z])\)$/
const MAX_LABEL = 120
// "(Millions)", "(Dollars", "thousands)": the unit line often shares the header's line
const UNIT_TOKEN = /^\(?(?:\$|dollars|amounts|thousands|millions|billions|usd)\)?,?$/i

export function statementFacts(pageText: string, page: number): StatementFact[] {
  const unit = UNIT.exec(pageText)
  const tableScale = unit === null ? 1 : (SCALE[(unit[1] ?? '').toLowerCase()] ?? 1)
  const out: StatementFact[] = []
  let periods: string[] | undefined
  let pending = ''
  for (const rawLine of pageText.split('\n')) {
    const tokens = rawLine.split(/[\t ]+/).filter((t) => t !== '' && t !== '$')
    if (tokens.length === 0) continue
    const header = headerYears(tokens)
    if (header !== undefined) {
      // repeated years: the period of a column cannot be told from text
      periods = new Set(header.years).size === header.years.length ? header.years : undefined
      pending = ''
      continue
    }
    if (periods === undefined) continue
    // label words, one run of cells, and maybe the next row's first words (rows run together in text)
    let start = tokens.findIndex(isCell)
    if (start < 0) start = tokens.length
    let end = start
    while (end < tokens.length && isCell(tokens[end] as string)) end++
    const cells = tokens.slice(start, end)
    const words = tokens.slice(0, start).join(' ').replace(FOOTNOTE, '').trim()
    const rest = tokens.slice(end).join(' ')
    if (cells.length === 0) {
      // words alone: a label continued on the next line, or prose that ends the table
      if (words.length > MAX_LABEL || /\.$/.test(words)) {
        // prose: the table is over, and the next figures need a header of their own
        periods = undefined
        pending = ''
      } else pending = /:$/.test(words) ? '' : `${pending} ${words}`.trim()
      continue
    }
    // a footnote mark printed between the label and the figures: "licenses (1) 225 489 311"
    if (cells.length === periods.length + 1 && /^\(\d\)$/.test(cells[0] as string)) cells.shift()
    // a words-only line continues into this label when the label goes on in lower case or the line
    // ends mid-phrase ("… and intellectual property" / "licenses"); otherwise it was a section heading
    const continues = /^[a-z(]/.test(words) || /(?:\b(?:and|of|for|the|to|in|on|from|by|net|less)|[,–-])$/i.test(pending)
    const label = `${continues ? pending : ''} ${words}`
      .replace(/\s+/g, ' ')
      .replace(/[\s,:]+$/, '')
      .trim()
    pending = rest.length > MAX_LABEL || /[.:]$/.test(rest) ? '' : rest
    if (cells.length > periods.length) {
      // more columns than the header has periods: another grid began (an equity statement's components)
      periods = undefined
      continue
    }
    if (!/\p{L}{2,}/u.test(label) || label.length > MAX_LABEL || cells.length !== periods.length) continue
    if (cells.some((c) => c.includes('%'))) continue
    const scale = /per (?:common )?share|per unit/i.test(label) ? 1 : tableScale
    periods.forEach((period, i) => out.push({ page, label, period, value: cellValue(cells[i] as string), scale }))
  }
  return out
}

/**
 * The years of a header line ("2019 2018 2017", "December 31, 2019 December 31, 2018", "2019 2018 (1)
 * Net revenues" where the first section's title ran into the header), or undefined. A header opens
 * with dates; a row whose figures look like years ("Net revenues 2019 2018") opens with its label.
 */
function headerYears(tokens: readonly string[]): { years: string[] } | undefined {
  const years: string[] = []
  let inParens = false
  for (const t of tokens) {
    // a year may carry a footnote mark ("2018*", "2021(a)", "2020†"): the mark is no part of the period
    const bare = t.replace(/[,.]$/, '').replace(FOOTNOTE_MARK, '')
    // a parenthesised unit line, "(Dollars in millions, except per share amount)", is part of a header
    const parenthesised: boolean = inParens || t.startsWith('(')
    inParens = parenthesised && !t.endsWith(')')
    if (YEAR.test(bare)) years.push(bare)
    else if (parenthesised && years.length === 0) continue
    else if (
      /^(?:\d{1,2},?|\(\d\)|\([a-z]\)|\*+|[†‡§]|[A-Z][a-z]+,?|ended|as|of|at|for|the|years?|months?|in|except|per|share|data)$/.test(t) ||
      UNIT_TOKEN.test(t)
    ) {
      if (years.length >= 2) break
    } else {
      if (years.length >= 2) break
      return undefined
    }
  }
  return years.length >= 2 ? { years } : undefined
}

function isCell(token: string): boolean {
  return CELL.test(token) || DASH.test(token) || /^\d+(?:\.\d+)?%$/.test(token) || token === '%'
}

function cellValue(cell: string): number {
  if (DASH.test(cell)) return 0
  const negative = cell.startsWith('(') && cell.endsWith(')')
  const n = Number(cell.replace(/[(),]/g, ''))
  return negative ? -n : n
}
