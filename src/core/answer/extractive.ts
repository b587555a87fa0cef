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
  readonly score: number
}

const prepared = textCache<Sentence[]>(1024)
/** a statement line as " word word … ", by line (the lexicon's lines are a fixed set) */
const spacedLines = new Map<string, { readonly spaced: string; readonly stems: readonly string[] }>()

export function extractiveAnswer(question: string, sources: readonly NumberedSource[], options: ExtractiveOptions = {}): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? 3
  const maxChars = options.maxSentenceChars ?? 320
  const analyzed = analyzeQuery(question)
  const terms = [...new Set(analyzed.terms.map(stem))]
  // " purchases of property plant and equipment " matched against " … " joined tokens: whole words only.
  const lines = [...new Set(matchConcepts(analyzed.tokens).flatMap((c) => c.lines))].map(spacedLine)

  const searched = sources.slice(0, options.maxSources ?? 4)
  const perSource = searched.map((s) => prepared(s.text, prepareSentences))
  let total = 0
  for (const list of perSource) total += list.length
  // Each term weighs 0–1 by rarity among the candidate sentences, so a few common words cannot outweigh
  // the statement line asked for.
  const maxIdf = Math.log(1 + total)
  const weights = terms.map((t) => {
    let df = 0
    for (const list of perSource) for (const sentence of list) if (sentence.tokens.has(t)) df++
    return Math.log(1 + total / (1 + df)) / maxIdf
  })

  const ranked: Candidate[] = []
  perSource.forEach((list, rank) => {
    const n = (searched[rank] as NumberedSource).n
    for (const sentence of list) {
      const { tokens, spaced, isRow, hasFigure } = sentence
      let shared = 0
      for (let i = 0; i < terms.length; i++) if (tokens.has(terms[i] as string)) shared += weights[i] as number
      // a line can only occur where all its words do: the set lookups spare most substring searches
      const line = lines.some((l) => l.stems.every((w) => tokens.has(w)) && spaced.includes(l.spaced))
      if (shared === 0 && !line) continue
      // A question naming a finance concept asks for a figure: the statement row that prints it is the answer.
      const row = line && isRow ? ROW_BONUS : 0
      const score = shared + (line ? LINE_BONUS : 0) + row + (hasFigure ? FIGURE_BONUS : 0) - rank * RANK_PENALTY
      if (score > 0) ranked.push({ n, rank, sentence, score })
    }
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
    const first = top === undefined ? undefined : prepared(top.text, prepareSentences)[0]?.text
    if (top === undefined || first === undefined) return { answer: NO_SOURCES_ANSWER, cited: [] }
    return { answer: `${clip(first, maxChars)} [${top.n}]`, cited: [top.n] }
  }
  return { answer: picked.map((p) => `${clip(p.sentence.text, maxChars)} [${p.n}]`).join('\n'), cited: [...new Set(picked.map((p) => p.n))] }
}

function spacedLine(line: string): { readonly spaced: string; readonly stems: readonly string[] } {
  let cached = spacedLines.get(line)
  if (cached === undefined) {
    const words = tokenize(line)
    cached = { spaced: ` ${words.join(' ')} `, stems: words.map(stem) }
    if (spacedLines.size >= 10_000) spacedLines.clear()
    spacedLines.set(line, cached)
  }
  return cached
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
