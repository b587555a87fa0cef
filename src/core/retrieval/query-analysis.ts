import { STOP_WORDS } from './stop-words.js'

/** What the retriever reads out of a question before it searches. */
export interface AnalyzedQuery {
  readonly question: string
  /** every word token, lower-cased, in order, as the index tokenises text (split on non-alphanumerics) */
  readonly tokens: readonly string[]
  /** content words (stop words, bare years and quarter markers removed), de-duplicated, in order */
  readonly terms: readonly string[]
  /** the tokens as written (case kept), same positions as `tokens` */
  readonly cased: readonly string[]
  /** positions of tokens written with a capital letter (proper nouns, sentence starts) */
  readonly capitalized: ReadonlySet<number>
  /** quoted phrases, each as its word tokens */
  readonly phrases: readonly (readonly string[])[]
  /** fiscal years named in the question ("FY2018", "2022", "FY20", "Q2'2023") */
  readonly years: readonly number[]
  /** fiscal quarters named in the question ("Q1", "Q2 of FY2024", "FY2023Q1") */
  readonly quarters: readonly number[]
  /** calendar dates named in the question, ISO yyyy-mm-dd ("May 26, 2023", "1st July 2022") */
  readonly dates: readonly string[]
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
}

/** Splits like FTS5's unicode61 tokenizer: letters and digits form tokens, everything else separates. */
export function tokenize(text: string): string[] {
  return casedTokens(text).map((t) => t.toLowerCase())
}

// ASCII text is its own NFKD form and its letters and digits are exactly [A-Za-z0-9]: the common case
// skips normalising and the Unicode-aware split.
const NON_ASCII = /[\u0080-\uffff]/
const ASCII_SEPARATOR = /[^A-Za-z0-9]+/
const SEPARATOR = /[^\p{L}\p{N}]+/u

function casedTokens(text: string): string[] {
  const parts = NON_ASCII.test(text)
    ? text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .split(SEPARATOR)
    : text.split(ASCII_SEPARATOR)
  return parts.filter((t) => t.length > 0)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function toYear(digits: string): number {
  const n = Number(digits)
  // two-digit fiscal years ("FY20") are this century's
  return digits.length === 2 ? 2000 + n : n
}

function plausibleYear(y: number): boolean {
  return y >= 1950 && y <= 2100
}

const ISO_DATE = /\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b/g
const MONTH_NAME =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?'
const MDY = new RegExp(`\\b${MONTH_NAME}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+((?:19|20)\\d\\d)\\b`, 'gi')
const DMY = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAME},?\\s+((?:19|20)\\d\\d)\\b`, 'gi')
const DIGIT = /\d/
const UPPER_FIRST = /^\p{Lu}/u

function findDates(text: string): string[] {
  // every form below writes a year
  if (!DIGIT.test(text)) return []
  const out: string[] = []
  // matchAll works on a copy of a global regex, so the shared ones keep no state between calls
  for (const m of text.matchAll(ISO_DATE)) out.push(`${m[1]}-${m[2]}-${m[3]}`)
  for (const m of text.matchAll(MDY)) {
    const month = MONTHS[(m[1] ?? '').toLowerCase().replace('.', '')]
    if (month !== undefined) out.push(`${m[3]}-${pad(month)}-${pad(Number(m[2]))}`)
  }
  for (const m of text.matchAll(DMY)) {
    const month = MONTHS[(m[2] ?? '').toLowerCase().replace('.', '')]
    if (month !== undefined) out.push(`${m[3]}-${pad(month)}-${pad(Number(m[1]))}`)
  }
  return [...new Set(out)]
}

function findPeriods(text: string): { years: number[]; quarters: number[] } {
  const years: number[] = []
  const quarters: number[] = []
  const lower = text.toLowerCase()
  // every form but "first quarter" writes a digit
  if (!DIGIT.test(lower)) {
    for (const m of lower.matchAll(/\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b/g)) {
      quarters.push({ first: 1, second: 2, third: 3, fourth: 4 }[m[1] as 'first'])
    }
    return { years, quarters: [...new Set(quarters)] }
  }
  // "FY2023Q1", "FY 2023 Q1"
  for (const m of lower.matchAll(/\bfy\s?'?(\d{4}|\d{2})\s?q([1-4])\b/g)) {
    years.push(toYear(m[1] ?? ''))
    quarters.push(Number(m[2]))
  }
  // "Q2 2023", "Q2'2023", "Q22023", "Q2 FY2024", "Q2 of FY2024", "Q1"
  for (const m of lower.matchAll(/\bq([1-4])(?:\s*(?:of\s+)?(?:fy\s?)?'?\s*((?:19|20)\d\d|\d{2}(?!\d)))?\b/g)) {
    quarters.push(Number(m[1]))
    if (m[2] !== undefined) years.push(toYear(m[2]))
  }
  for (const m of lower.matchAll(/\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b/g)) {
    quarters.push({ first: 1, second: 2, third: 3, fourth: 4 }[m[1] as 'first'])
  }
  // "FY2018", "FY 2023", "FY20", "fiscal 2022", "fiscal year 2022"
  for (const m of lower.matchAll(/\b(?:fy|fiscal(?:\s+year)?)\s?'?(\d{4}|\d{2})(?!\d)/g)) years.push(toYear(m[1] ?? ''))
  for (const m of lower.matchAll(/(?<![\d.,$])((?:19|20)\d\d)(?![\d%])/g)) years.push(Number(m[1]))
  return { years: [...new Set(years.filter(plausibleYear))], quarters: [...new Set(quarters)] }
}

const PERIOD_TOKEN = /^(?:fy\d{2,4}|q[1-4](?:\d{2,4})?|fy\d{2,4}q[1-4]|(?:19|20)\d\d|fy|q[1-4]fy\d{2,4})$/

export function analyzeQuery(question: string): AnalyzedQuery {
  const { cased, tokens, terms } = queryWords(question)
  const capitalized = new Set<number>()
  cased.forEach((t, i) => {
    const first = t.charCodeAt(0)
    // an ASCII letter answers at once; anything else asks Unicode
    if (first < 128 ? first >= 65 && first <= 90 : UPPER_FIRST.test(t)) capitalized.add(i)
  })
  const phrases: string[][] = []
  for (const m of question.matchAll(/["“”]([^"“”]+)["“”]/g)) {
    const words = tokenize(m[1] ?? '')
    if (words.length > 1) phrases.push(words)
  }
  const { years, quarters } = findPeriods(question)
  return { question, tokens, cased, capitalized, terms, phrases, years, quarters, dates: findDates(question) }
}

/** The word part of `analyzeQuery` alone (`tokens`, `terms`, `cased`), for callers that need no periods or phrases. */
export function queryWords(question: string): Pick<AnalyzedQuery, 'cased' | 'tokens' | 'terms'> {
  const cased = casedTokens(question)
  const tokens = cased.map((t) => t.toLowerCase())
  const terms: string[] = []
  const seen = new Set<string>()
  for (const t of tokens) {
    if (STOP_WORDS.has(t) || PERIOD_TOKEN.test(t) || seen.has(t)) continue
    // single letters and bare small numbers ("1", "k" of "10-K" aside) match everywhere
    if (t.length < 2) continue
    seen.add(t)
    terms.push(t)
  }
  return { cased, tokens, terms }
}
