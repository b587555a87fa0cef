import { analyzeQuery, tokenize } from '../retrieval/query-analysis.js'
import { matchConcepts } from '../retrieval/concept-matcher.js'
import type { NumberedSource } from './context.js'
import { textCache } from './text-cache.js'

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
const ROW = /^[A-Za-z][^\d]{2,}?(?:\s+\$?\s?\(?[\d,.]+\)?%?){2,}\s*$/

interface Sentence {
  readonly order: number
  readonly text: string
  readonly tokens: ReadonlySet<string>
  /** " word word … " lower-case, unstemmed, for whole-word phrase matching */
  readonly spaced: string
  readonly hasFigure: boolean
  /** a statement row: a label followed by two or more figures (one per period) */
  readonly isRow: boolean
}

interface Candidate {
  readonly n: number
  readonly rank: number
  readonly sentence: Sentence
  score: number
}

const prepared = textCache<Sentence[]>(1024)

export function extractiveAnswer(question: string, sources: readonly NumberedSource[], options: ExtractiveOptions = {}): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? 3
  const maxChars = options.maxSentenceChars ?? 320
  const analyzed = analyzeQuery(question)
  const terms = [...new Set(analyzed.terms.map(stem))]
  // " purchases of property plant and equipment " matched against " … " joined tokens: whole words only.
  const lines = [...new Set(matchConcepts(analyzed.tokens).flatMap((c) => c.lines))].map((l) => ` ${tokenize(l).join(' ')} `)

  const candidates: Candidate[] = []
  for (const [rank, s] of sources.slice(0, options.maxSources ?? 4).entries()) {
    for (const sentence of prepared(s.text, prepareSentences)) candidates.push({ n: s.n, rank, sentence, score: 0 })
  }
  const maxIdf = Math.log(1 + candidates.length)
  const df = new Map(terms.map((t) => [t, candidates.reduce((k, c) => k + (c.sentence.tokens.has(t) ? 1 : 0), 0)]))
  for (const c of candidates) {
    const { tokens, spaced, isRow, hasFigure } = c.sentence
    let shared = 0
    // Each term weighs 0–1 by rarity, so a few common words cannot outweigh the statement line asked for.
    for (const t of terms) if (tokens.has(t)) shared += Math.log(1 + candidates.length / (1 + (df.get(t) ?? 0))) / maxIdf
    const line = lines.some((l) => spaced.includes(l))
    if (shared === 0 && !line) continue
    // A question naming a finance concept asks for a figure: the statement row that prints it is the answer.
    const row = line && isRow ? ROW_BONUS : 0
    c.score = shared + (line ? LINE_BONUS : 0) + row + (hasFigure ? FIGURE_BONUS : 0) - c.rank * RANK_PENALTY
  }

  const ranked = candidates.filter((c) => c.score > 0).sort((a, b) => b.score - a.score || a.rank - b.rank || a.sentence.order - b.sentence.order)
  const picked: Candidate[] = []
  const perSource = new Map<number, number>()
  for (const c of ranked) {
    if (picked.length >= maxSentences) break
    if ((perSource.get(c.n) ?? 0) >= 2 || picked.some((p) => p.sentence.text === c.sentence.text)) continue
    perSource.set(c.n, (perSource.get(c.n) ?? 0) + 1)
    picked.push(c)
  }
  if (picked.length === 0) {
    const top = sources[0]
    const first = top === undefined ? undefined : sentences(top.text)[0]
    if (top === undefined || first === undefined) return { answer: NO_SOURCES_ANSWER, cited: [] }
    return { answer: `${clip(first, maxChars)} [${top.n}]`, cited: [top.n] }
  }
  return { answer: picked.map((p) => `${clip(p.sentence.text, maxChars)} [${p.n}]`).join('\n'), cited: [...new Set(picked.map((p) => p.n))] }
}

function prepareSentences(text: string): Sentence[] {
  return sentences(text).map((sentence, order) => {
    // Like the index tokenizer (letters and digits), without its Unicode normalisation: quoting needs no more.
    const raw = sentence.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0)
    return { order, text: sentence, tokens: new Set(raw.map(stem)), spaced: ` ${raw.join(' ')} `, hasFigure: /\d/.test(sentence), isRow: ROW.test(sentence) }
  })
}

function stem(w: string): string {
  return w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w
}

/** Sentences, or rows of a table (statement pages are rows, not prose). */
function sentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z($"“])/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length >= 12)
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.lastIndexOf(' ', max)
  return `${text.slice(0, cut > max / 2 ? cut : max)}…`
}
