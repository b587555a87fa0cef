import type { DocumentMeta } from '../documents.js'
import { locateUnits } from '../ingest/page-units.js'
import type { RetrievedSource } from '../retrieval/retriever.js'
import type { Citation } from './answer-result.js'
import type { AnswerCaches } from './answer-caches.js'

/**
 * Context assembly: the retrieved sources that fit a token budget, numbered [1]…[n] in rank order, each
 * rendered as a fenced data block with its title, version and page span. Source text is escaped so a
 * document cannot close its own block and speak as the instructions.
 */
export interface NumberedSource {
  readonly n: number
  readonly source: RetrievedSource
  /** the text given to the model (may be cut to fit the budget) */
  readonly text: string
}

export interface ContextBudget {
  readonly maxTokens: number
  readonly countTokens: (text: string) => number
  readonly truncate: (text: string, maxTokens: number) => string
}

/** A source block shorter than this is not worth including after a cut. */
const MIN_USEFUL_TOKENS = 64

export function numberSources(sources: readonly RetrievedSource[]): NumberedSource[] {
  return sources.map((source, i) => ({ n: i + 1, source, text: source.text }))
}

export function assembleContext(sources: readonly RetrievedSource[], budget: ContextBudget): NumberedSource[] {
  const out: NumberedSource[] = []
  let left = budget.maxTokens
  for (const source of sources) {
    const n = out.length + 1
    const overhead = budget.countTokens(renderSource({ n, source, text: '' }))
    const tokens = budget.countTokens(source.text)
    if (overhead + tokens <= left) {
      out.push({ n, source, text: source.text })
      left -= overhead + tokens
      continue
    }
    // The best-ranked source is cut to fit rather than dropped; later ones only if a useful part fits.
    const room = left - overhead
    if (room >= MIN_USEFUL_TOKENS || out.length === 0) {
      out.push({ n, source, text: budget.truncate(source.text, Math.max(0, room)) })
    }
    break
  }
  return out
}

export function renderSources(sources: readonly NumberedSource[]): string {
  return sources.map(renderSource).join('\n')
}

export function renderSource(s: NumberedSource): string {
  const { meta, version, pageStart, pageEnd } = s.source
  const attrs = [
    `n="${s.n}"`,
    `title="${escapeAttr(meta.title)}"`,
    `version="${version}"`,
    meta.units === undefined
      ? `pages="${pageSpan(pageStart, pageEnd)}"`
      : `location="${escapeAttr(locateUnits(meta.units, pageStart, pageEnd))}"`,
    ...(meta.company === undefined ? [] : [`company="${escapeAttr(meta.company)}"`]),
    ...(meta.fiscalYear === undefined ? [] : [`fiscal_year="${meta.fiscalYear}"`]),
    ...(s.source.side === undefined ? [] : [`side="${escapeAttr(s.source.side)}"`]),
  ]
  return `<source ${attrs.join(' ')}>\n${escapeData(s.text)}\n</source>`
}

export interface FactTextEntry {
  readonly title: string
  readonly year: number | string
  readonly text: string
}

/**
 * Text a fact-lock check may draw numbers from: what the model saw for this source. With the answerer's
 * caches, the same string for the same source each time, so the fact-lock's own text-keyed cache finds it
 * by pointer.
 */
export function factText(s: NumberedSource, caches?: Pick<AnswerCaches, 'factTexts'>): string {
  const { meta } = s.source
  const year = meta.fiscalYear ?? ''
  const build = (text: string): FactTextEntry => ({ title: meta.title, year, text: [meta.title, year, text].join('\n') })
  const cached = caches?.factTexts.getOrCompute(s.text, build) ?? build(s.text)
  return cached.title === meta.title && cached.year === year ? cached.text : [meta.title, year, s.text].join('\n')
}

const SNIPPET_CHARS = 280

export function toCitation(s: NumberedSource, snippetChars = SNIPPET_CHARS, caches?: Pick<AnswerCaches, 'snippets'>): Citation {
  return {
    n: s.n,
    documentId: s.source.documentId,
    version: s.source.version,
    title: s.source.meta.title,
    pageStart: s.source.pageStart,
    pageEnd: s.source.pageEnd,
    locator: sourceLocator(s.source.meta, s.source.pageStart, s.source.pageEnd),
    snippet: snippet(s.text, snippetChars, caches),
  }
}

/** Pages, slides, sheets or sections as the document has them; a span with scanned pages says so. */
export function sourceLocator(meta: DocumentMeta, start: number, end: number): string {
  const ocr = meta.ocrPages?.some((p) => p >= start && p <= end) === true
  return `${locateUnits(meta.units, start, end)}${ocr ? ' (OCR)' : ''}`
}

export function pageSpan(start: number, end: number): string {
  return start === end ? `${start}` : `${start}-${end}`
}

export function escapeData(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function escapeAttr(text: string): string {
  return escapeData(text).replaceAll('"', '&quot;')
}

function snippet(text: string, max: number, caches: Pick<AnswerCaches, 'snippets'> | undefined): string {
  // the citation default: a source's snippet is worked out once
  return max === SNIPPET_CHARS && caches !== undefined
    ? caches.snippets.getOrCompute(text, (t) => flatSnippet(t, max))
    : flatSnippet(text, max)
}

function flatSnippet(text: string, max: number): string {
  // Flatten only what can end up in the snippet, not the whole page.
  const flat = text
    .slice(0, max * 2)
    .replace(/\s+/g, ' ')
    .trim()
  if (flat.length <= max) return flat
  const cut = flat.lastIndexOf(' ', max)
  return `${flat.slice(0, cut > max / 2 ? cut : max)}…`
}
