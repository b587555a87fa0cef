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

interface Sentence {
  readonly order: number
  readonly text: string
  /** " word word … " lower-case, unstemmed, for whole-word phrase matching */
  readonly spaced: string
  readonly hasFigure: boolean
  /** a statement row: a label followed by two or more figures (one per period) */
  readonly isRow: boolean
}

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
  const asksCause = ASKS_CAUSE.test(question)

  const searched = sources.slice(0, options.maxSources ?? 4)
  const pages = searched.map((s) => caches?.pages.getOrCompute(s.text, preparePage) ?? preparePage(s.text))
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
      const givesCause = asksCause && GIVES_CAUSE.test(sentence.text)
      // "… totaled $1.6 billion. The $104.2 million increase was primarily due to …": a cause sentence
      // speaks of the line the sentence before it names
      const hasLine = line[at] === 1 || (givesCause && at > 0 && line[at - 1] === 1)
      const share = shared[at] as number
      if (share === 0 && !hasLine) continue
      // A question naming a finance concept asks for a figure: the statement row that prints it is the
      // answer — unless it asks what drove the figure, which no row says.
      const row = hasLine && sentence.isRow && !asksCause ? ROW_BONUS : 0
      const cause = givesCause ? CAUSE_BONUS : 0
      const score = share + (hasLine ? LINE_BONUS : 0) + row + cause + (sentence.hasFigure ? FIGURE_BONUS : 0) - rank * RANK_PENALTY
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
    const first =
      top === undefined ? undefined : (caches?.pages.getOrCompute(top.text, preparePage) ?? preparePage(top.text)).sentences[0]?.text
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

function preparePage(text: string): Page {
  const byWord = new Map<string, number[]>()
  const list = sentences(text).map((sentence, order) => {
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
    }
  })
  return { sentences: list, byWord, lineHits: new Map() }
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
