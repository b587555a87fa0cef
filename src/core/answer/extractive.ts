import type { NumberedSource } from './context.js'

/**
 * Extractive mode, used when no chat model is configured: the sentences of the top sources that share
 * the most question terms, each quoted with its citation. Nothing is written that a source does not say.
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

const STOPWORDS = new Set(
  'the a an and or of to in on for by with from at as is are was were be been being what which who whom whose how why when where did does do has have had its it this that these those than then there their our your my his her they them we you i me not no yes can could would should will shall may might per about into over under between during any all each much many more most other some such only own same so too very just also'.split(
    ' ',
  ),
)

export function extractiveAnswer(question: string, sources: readonly NumberedSource[], options: ExtractiveOptions = {}): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? 3
  const maxChars = options.maxSentenceChars ?? 320
  const terms = new Set(words(question))
  const candidates: { n: number; rank: number; order: number; text: string; score: number }[] = []
  for (const [rank, s] of sources.slice(0, options.maxSources ?? 4).entries()) {
    for (const [order, sentence] of sentences(s.text).entries()) {
      const found = new Set(words(sentence).filter((w) => terms.has(w)))
      if (found.size === 0) continue
      // Figures are what financial questions ask for; earlier sources are better ranked.
      const score = found.size + (/\d/.test(sentence) ? 0.5 : 0) - rank * 0.1
      candidates.push({ n: s.n, rank, order, text: clip(sentence, maxChars), score })
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.rank - b.rank || a.order - b.order)
  const picked: typeof candidates = []
  const perSource = new Map<number, number>()
  for (const c of candidates) {
    if (picked.length >= maxSentences) break
    if ((perSource.get(c.n) ?? 0) >= 2 || picked.some((p) => p.text === c.text)) continue
    perSource.set(c.n, (perSource.get(c.n) ?? 0) + 1)
    picked.push(c)
  }
  if (picked.length === 0) {
    const top = sources[0]
    if (top === undefined) return { answer: NO_SOURCES_ANSWER, cited: [] }
    const first = sentences(top.text)[0]
    return first === undefined ? { answer: NO_SOURCES_ANSWER, cited: [] } : { answer: `${clip(first, maxChars)} [${top.n}]`, cited: [top.n] }
  }
  const cited = [...new Set(picked.map((p) => p.n))]
  return { answer: picked.map((p) => `${p.text} [${p.n}]`).join('\n'), cited }
}

function words(text: string): string[] {
  const out: string[] = []
  for (const w of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (w.length < 3 || STOPWORDS.has(w)) continue
    out.push(w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w)
  }
  return out
}

/** Sentences, or lines of a table (statement pages are rows, not prose). */
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
