import { queryWords, tokenize } from '../retrieval/query-analysis.js'
import { matchConcepts } from '../retrieval/concept-matcher.js'
import type { NumberedSource } from './context.js'
import type { AnswerCaches } from './answer-caches.js'

/**
 * Extractive mode, used when no chat model is configured: sentences (or statement rows) quoted from the
 * top sources, each with its citation. Nothing is written that a source does not say. A sentence scores
 * by the question terms it shares (rarer terms weigh more), by the statement lines the question's finance
 * concepts print as ("capex" → "Purchases of property, plant and equipment"), by carrying a figure, and
 * by its source's rank.
 */
export interface ExtractiveOptions {
  /** sentences in the answer */
  readonly maxSentences?: number
  /** sources searched, best-ranked first */
  readonly maxSources?: number
  readonly maxSentenceChars?: number
  /** the answerer's caches of prepared pages and lines (computed afresh without) */
  readonly caches?: Pick<AnswerCaches, 'pages' | 'statementLines'>
}

export interface ExtractiveAnswer {
  readonly answer: string
  readonly cited: readonly number[]
}

export const NO_SOURCES_ANSWER = 'No passage in the indexed documents matches this question.'

const LINE_BONUS = 3
const FIGURE_BONUS = 0.5
const RANK_PENALTY = 0.25
const ROW_BONUS = 1
// A question asking what drove a change is answered by the sentence that gives the cause
const ASKS_CAUSE = /\b(?:drove|drives?|driven|drivers?|why|reasons?|caused?|causes|explain(?:s|ed)?|factors?)\b/i
const GIVES_CAUSE = /\b(?:due to|driven by|primarily by|because|as a result of|attributable to|resulted from|result of)\b/i
const CAUSE_BONUS = 1.5
const ROW = /^[A-Za-z][^\d]{2,}?(?:\s+\$?\s?\(?[\d,.]+\)?%?){2,}\s*$/
// "… as of June 30, 2023." ends in two numbers too, but they are a date
const ENDS_IN_DATE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\.?\s*$/i
// A release prints the quarter's table and the year's one with the same rows: a row under a column heading
// of the span the question asks for ("FY 2023" → "Twelve Months Ended …") is preferred to its twin.
const PERIOD_BONUS = 0.5
const PERIOD_PENALTY = 2
const ASKS_QUARTER = /\b(?:q[1-4]|[1-4]q|quarters?|quarterly|three months|3 months|thirteen weeks|13 weeks)\b/i
const ASKS_YEAR = /\b(?:fy\s?'?\d{2,4}|fy|fiscal|full[- ]year|annual|annually|twelve months|12 months|year)\b/i
const QUARTER_HEADING =
  /\b(?:three|3) months ended|\bquarters? ended|\b(?:thirteen|13) weeks ended|\b(?:first|second|third|fourth) quarter\b|\bQ[1-4]\b/i
const YEAR_HEADING = /\b(?:twelve|12) months ended|\b(?:fiscal )?years? ended|\b(?:fifty-(?:two|three)|5[23]) weeks ended|\bfull[- ]year\b/i
// what a column heading may print besides words: years, the days of its dates, footnote marks
const HEADING_FIGURES =
  /\b(?:19|20)\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\(\d{1,2}\)|\bQ[1-4]\b/gi
const PART_YEAR_HEADING = /\b(?:six|nine|6|9) months ended|\b(?:twenty-six|thirty-nine|26|39) weeks ended/i

// "Which category performed best?" names none of the words its answer prints ("Entertainment: The 9.0%
// comparable sales growth …"): the sentences stating a change in the direction asked, with its percent,
// are the candidates, and the one stating the largest such change leads.
const ASKS_BEST =
  /\b(?:perform(?:ed|s|ing)?\s+(?:the\s+)?(?:best|strongest)|best[- ]performing|strongest\s+(?:growth|performance)|gr[eo]w(?:n|s)?\s+(?:the\s+)?(?:most|fastest)|fastest[- ]growing|(?:highest|largest|most)\s+growth)\b/i
const ASKS_WORST =
  /\b(?:perform(?:ed|s|ing)?\s+(?:the\s+)?(?:worst|weakest)|worst[- ]performing|weakest\s+(?:growth|performance)|dragg(?:ed|ing)?\s+down|drag(?:ged)?\s+on|declined?\s+(?:the\s+)?most|(?:largest|biggest|steepest)\s+(?:decline|decrease|drop)|(?:lowest|slowest)\s+growth|slowest[- ]growing)\b/i
const UP_WORD = 'growth|grew|grow|increased?|increases|rose|improved|gained'
const DOWN_WORD = 'declined?|declines|decreased?|decreases|fell|dropped|drop|shrank|contracted'
const PERCENT_THEN_WORD = new RegExp(`(\\d+(?:\\.\\d+)?)\\s?%(?:\\s+[\\p{L}-]+){0,3}?\\s+(?:(${UP_WORD})|(${DOWN_WORD}))\\b`, 'iu')
const WORD_THEN_PERCENT = new RegExp(
  `\\b(?:(${UP_WORD})|(${DOWN_WORD}))(?:\\s+(?:by|of|approximately|about|nearly))?\\s+(\\d+(?:\\.\\d+)?)\\s?%`,
  'iu',
)
const DIRECTION_BONUS = 2
const EXTREME_BONUS = 1

type Direction = 'up' | 'down'

interface Sentence {
  readonly order: number
  readonly text: string
  /** " word word … " lower-case, unstemmed, for whole-word phrase matching */
  readonly spaced: string
  readonly hasFigure: boolean
  /** a statement row: a label followed by two or more figures (one per period) */
  readonly isRow: boolean
  /** the span of the column heading last seen above the sentence on its page, when it names one span only */
  readonly span: Span | undefined
  /** the first change the sentence states with a percent and a word giving its direction ("The 9.0% … growth") */
  readonly change: { readonly direction: Direction; readonly percent: number } | undefined
  /** it gives a cause ("due to", "driven by") */
  readonly givesCause: boolean
}

type Span = 'quarter' | 'year'

/** A source page's sentences, and which of them hold each (stemmed) word. */
export interface Page {
  readonly sentences: readonly Sentence[]
  /** sentence positions by stemmed word, ascending */
  readonly byWord: ReadonlyMap<string, readonly number[]>
  /** sentence positions holding a statement line, by line: worked out once per page and line */
  readonly lineHits: Map<string, readonly number[]>
}

interface Candidate {
  readonly n: number
  readonly rank: number
  readonly sentence: Sentence
  readonly score: number
}

/** a statement line as " word word … " and its stems */
export interface SpacedLine {
  readonly spaced: string
  readonly stems: readonly string[]
}

export function extractiveAnswer(question: string, sources: readonly NumberedSource[], options: ExtractiveOptions = {}): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? 3
  const maxChars = options.maxSentenceChars ?? 320
  const analyzed = queryWords(question)
  const terms = [...new Set(analyzed.terms.map(stem))]
  // " purchases of property plant and equipment " matched against " … " joined tokens: whole words only.
  const caches = options.caches
  const lines = [...new Set(matchConcepts(analyzed.tokens).flatMap((c) => c.lines))].map(
    (line) => caches?.statementLines.getOrCompute(line, spacedLine) ?? spacedLine(line),
  )
  const span = askedSpan(question)
  const asksCause = ASKS_CAUSE.test(question)
  const direction: Direction | undefined = ASKS_WORST.test(question) ? 'down' : ASKS_BEST.test(question) ? 'up' : undefined

  const maxSources = options.maxSources ?? 4
  const prepare = (s: NumberedSource): Page => caches?.pages.getOrCompute(s.text, preparePage) ?? preparePage(s.text)
  let searched = sources.slice(0, maxSources)
  let pages = searched.map(prepare)
  // A row of the top sources under the other span's heading (the quarter's table, asked for the fiscal year)
  // has a twin under the span asked for, often in a later source: the search goes on to twice as many
  // sources, and rows are weighed by their heading's span.
  const twin = span !== undefined && pages.some((p) => p.sentences.some((x) => x.isRow && x.span !== undefined && x.span !== span))
  if (twin) {
    searched = sources.slice(0, maxSources * 2)
    pages = [...pages, ...searched.slice(maxSources).map(prepare)]
  }
  let total = 0
  for (const page of pages) total += page.sentences.length
  // Each term weighs 0–1 by rarity among the candidate sentences, so a few common words cannot outweigh
  // the statement line asked for.
  const maxIdf = Math.log(1 + total)
  const weights = terms.map((t) => {
    let df = 0
    for (const page of pages) df += page.byWord.get(t)?.length ?? 0
    return Math.log(1 + total / (1 + df)) / maxIdf
  })

  // the largest change stated in the direction asked, over the searched sources
  let extreme = -1
  if (direction !== undefined)
    for (const page of pages)
      for (const x of page.sentences) if (x.change?.direction === direction) extreme = Math.max(extreme, x.change.percent)

  const ranked: Candidate[] = []
  pages.forEach((page, rank) => {
    const n = (searched[rank] as NumberedSource).n
    const count = page.sentences.length
    const { shared, line } = scratch(count)
    // each sentence's share of the terms, added term by term in the question's order
    terms.forEach((t, i) => {
      for (const at of page.byWord.get(t) ?? []) shared[at] = (shared[at] as number) + (weights[i] as number)
    })
    for (const l of lines) for (const at of lineHits(page, l)) line[at] = 1
    for (let at = 0; at < count; at++) {
      const sentence = page.sentences[at] as Sentence
      const givesCause = asksCause && sentence.givesCause
      // "… totaled $1.6 billion. The $104.2 million increase was primarily due to …": a cause sentence
      // speaks of the line the sentence before it names
      const hasLine = line[at] === 1 || (givesCause && at > 0 && line[at - 1] === 1)
      const share = shared[at] as number
      const change = direction !== undefined && sentence.change?.direction === direction ? sentence.change.percent : undefined
      if (share === 0 && !hasLine && change === undefined) continue
      // A question naming a finance concept asks for a figure: the statement row that prints it is the
      // answer — unless it asks what drove the figure, which no row says.
      const row = hasLine && sentence.isRow && !asksCause ? ROW_BONUS : 0
      const cause = givesCause ? CAUSE_BONUS : 0
      // a row under the other span's heading (the quarter's table for a fiscal-year question) is its twin's figure
      const period = !twin || !sentence.isRow || sentence.span === undefined ? 0 : sentence.span === span ? PERIOD_BONUS : -PERIOD_PENALTY
      const changed = change === undefined ? 0 : DIRECTION_BONUS + (change === extreme ? EXTREME_BONUS : 0)
      const score =
        share + (hasLine ? LINE_BONUS : 0) + row + cause + period + changed + (sentence.hasFigure ? FIGURE_BONUS : 0) - rank * RANK_PENALTY
      if (score > 0) ranked.push({ n, rank, sentence, score })
    }
    shared.fill(0, 0, count)
    line.fill(0, 0, count)
  })

  ranked.sort((a, b) => b.score - a.score || a.rank - b.rank || a.sentence.order - b.sentence.order)
  const picked: Candidate[] = []
  const perCited = new Map<number, number>()
  for (const c of ranked) {
    if (picked.length >= maxSentences) break
    if ((perCited.get(c.n) ?? 0) >= 2 || picked.some((p) => p.sentence.text === c.sentence.text)) continue
    perCited.set(c.n, (perCited.get(c.n) ?? 0) + 1)
    picked.push(c)
  }
  if (picked.length === 0) {
    const top = sources[0]
    const first = top === undefined ? undefined : prepare(top).sentences[0]?.text
    if (top === undefined || first === undefined) return { answer: NO_SOURCES_ANSWER, cited: [] }
    return { answer: `${clip(first, maxChars)} [${top.n}]`, cited: [top.n] }
  }
  return {
    answer: picked.map((p) => `${clip(p.sentence.text, maxChars)} [${p.n}]`).join('\n'),
    cited: [...new Set(picked.map((p) => p.n))],
  }
}

/** Per-sentence scratch for one page at a time, kept zeroed between uses (answers are built synchronously). */
let scratchShared = new Float64Array(256)
let scratchLine = new Uint8Array(256)

function scratch(count: number): { shared: Float64Array; line: Uint8Array } {
  if (scratchShared.length < count) {
    scratchShared = new Float64Array(count * 2)
    scratchLine = new Uint8Array(count * 2)
  }
  return { shared: scratchShared, line: scratchLine }
}

/** Sentences of the page quoting the line, whole words. */
function lineHits(page: Page, line: { readonly spaced: string; readonly stems: readonly string[] }): readonly number[] {
  let hits = page.lineHits.get(line.spaced)
  if (hits === undefined) {
    // a line can only occur where all its words do: the word lists spare most substring searches
    hits = sentencesWithAll(page, line.stems, page.sentences.length).filter((at) =>
      (page.sentences[at] as Sentence).spaced.includes(line.spaced),
    )
    page.lineHits.set(line.spaced, hits)
  }
  return hits
}

/** Positions of the sentences holding every one of `stems` (all of them when there is none). */
function sentencesWithAll(page: Page, stems: readonly string[], count: number): readonly number[] {
  if (stems.length === 0) return Array.from({ length: count }, (_, i) => i)
  let out: readonly number[] | undefined
  for (const w of stems) {
    const with_ = page.byWord.get(w)
    if (with_ === undefined) return []
    out = out === undefined ? with_ : out.filter((at) => with_.includes(at))
    if (out.length === 0) return out
  }
  return out ?? []
}

function spacedLine(line: string): SpacedLine {
  const words = tokenize(line)
  return { spaced: ` ${words.join(' ')} `, stems: words.map(stem) }
}

/** The span a question asks about: a quarter ("Q2", "second quarter") before a year ("FY 2023", "fiscal year"). */
function askedSpan(question: string): Span | undefined {
  if (ASKS_QUARTER.test(question)) return 'quarter'
  return ASKS_YEAR.test(question) ? 'year' : undefined
}

/**
 * The span a column heading names ("Three Months Ended June 30," → quarter, "Twelve Months Ended …" or "For
 * the years ended …" → year); `null` for a heading naming several (a statement with both columns, or six
 * months), `undefined` for a line that is no heading. A heading names its span near its start, ends in no
 * full stop and prints no figures but years, dates and footnote marks; prose and footnotes that mention
 * "the three months ended …" are sentences, and so is a row whose label names a quarter.
 */
function headingSpan(line: string): Span | null | undefined {
  if (/\.\s*$/.test(line) || /^\(?\d{1,2}\)/.test(line)) return undefined
  const head = line.slice(0, 120)
  // a row whose label names a period ("Stores at end of second quarter 907 930") prints figures
  if (/\d/.test(line.replace(HEADING_FIGURES, ' '))) return undefined
  const quarter = QUARTER_HEADING.test(head)
  const year = YEAR_HEADING.test(head)
  if (!quarter && !year && !PART_YEAR_HEADING.test(head)) return undefined
  if (PART_YEAR_HEADING.test(head) || (quarter && year)) return null
  return quarter ? 'quarter' : 'year'
}

function preparePage(text: string): Page {
  const byWord = new Map<string, number[]>()
  let span: Span | undefined
  const list = sentences(text).map((sentence, order) => {
    const heading = headingSpan(sentence)
    if (heading !== undefined) span = heading ?? undefined
    // Like the index tokenizer (letters and digits), without its Unicode normalisation: quoting needs no more.
    const raw = sentence
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 0)
    for (const w of new Set(raw.map(stem))) {
      const at = byWord.get(w)
      if (at === undefined) byWord.set(w, [order])
      else at.push(order)
    }
    return {
      order,
      text: sentence,
      spaced: ` ${raw.join(' ')} `,
      hasFigure: /\d/.test(sentence),
      isRow: ROW.test(sentence) && !ENDS_IN_DATE.test(sentence),
      span,
      change: statedChange(sentence),
      givesCause: GIVES_CAUSE.test(sentence),
    }
  })
  return { sentences: list, byWord, lineHits: new Map() }
}

/** The first change the sentence states as a percent next to a word of direction (within three words). */
function statedChange(sentence: string): Sentence['change'] {
  const before = PERCENT_THEN_WORD.exec(sentence)
  const after = WORD_THEN_PERCENT.exec(sentence)
  const first = before !== null && (after === null || before.index <= after.index) ? before : after
  if (first === null) return undefined
  const [percent, up] = first === before ? [first[1], first[2]] : [first[3], first[1]]
  return { direction: up !== undefined ? 'up' : 'down', percent: Number(percent) }
}

function stem(w: string): string {
  return w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w
}

/**
 * A line break, or a sentence end before a capital — but not after an initial ("Mary N. Dillon") or a
 * common abbreviation ("Inc.", "Mr.", "U.S."), which end no sentence.
 */
const SENTENCE_BREAK =
  /\n+|(?<=[.!?])(?<!\b\p{Lu}\.)(?<!\b(?:Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Co|Ltd|Jr|Sr|St|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)\s+(?=[A-Z($"“])/u

/**
 * A prose line the page wrapped: it ends in a word or a comma and the next line goes on in lower case
 * ("… a Czech Republic company that\noperates a plant"). Rows end in figures, headings are followed by a
 * capital, so neither is joined.
 */
const WRAPPED_LINE = /(?<=[\p{L},;])[ \t]*\n[ \t]*(?=\p{Ll})/gu

/** Sentences, or rows of a table (statement pages are rows, not prose). */
function sentences(text: string): string[] {
  return text
    .replace(WRAPPED_LINE, ' ')
    .split(SENTENCE_BREAK)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length >= 12)
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.lastIndexOf(' ', max)
  return `${text.slice(0, cut > max / 2 ? cut : max)}…`
}
