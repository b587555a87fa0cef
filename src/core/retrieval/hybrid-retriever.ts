import type { ChunkHit, Corpus, SearchFilter } from '../corpus.js'
import type { EmbeddingModel } from '../models.js'
import type { Retrieval, RetrievedSource, RetrieveOptions, Retriever } from './retriever.js'
import { analyzeQuery, tokenize } from './query-analysis.js'
import { matchConcepts, neededStatements } from './concept-matcher.js'
import { STATEMENT_QUERY, classifyStatement, type Statement } from './financial-statements.js'
import { DocumentRouter } from './document-router.js'
import { reciprocalRankFusion, type RankedList } from './rank-fusion.js'
import { STOP_WORDS } from './stop-words.js'
import { expandNeighbours, groupByPage, toSource } from './source-assembly.js'

/** The slice of a pino logger the retriever uses. */
interface RetrieverLogger {
  debug(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  /** pino's: the debug line is only put together when it will be written */
  isLevelEnabled?(level: string): boolean
}

export interface HybridRetrieverOptions {
  /** sources returned when the caller does not say (default 8) */
  readonly topK?: number
  /** hits read from each ranked list before fusion (default 60) */
  readonly candidates?: number
  /** RRF constant (default 20: lists are short and routed to few documents, so top ranks should count) */
  readonly rrfK?: number
  /** how often the routing table re-reads the document list, ms (default 1000) */
  readonly routingRefreshMs?: number
  /** fused-score multiplier for chunks of a statement the question needs (default 1.5) */
  readonly statementBoost?: number
  /** RRF weights of the ranked lists */
  readonly weights?: Partial<Record<'question' | 'lexicon' | 'statement' | 'dense', number>>
  /** add same-page neighbouring chunks to each source's text (default true) */
  readonly expandNeighbours?: boolean
}

export interface HybridRetrieverDeps {
  readonly corpus: Corpus
  readonly embeddings?: EmbeddingModel
  readonly logger?: RetrieverLogger
  readonly options?: HybridRetrieverOptions
}

// The question's own words count half when the lexicon recognised a concept: the printed line items
// ("Purchases of property, plant and equipment") then say more than the analyst's phrasing ("capex").
const DEFAULT_WEIGHTS = { question: 0.5, lexicon: 1, statement: 0.8, dense: 1 }

/** a lexicon line's words, by line: the lines are a fixed set, their words are read once */
const lineWords = new Map<string, string[]>()

function words(phrase: string): string[] {
  let cached = lineWords.get(phrase)
  if (cached === undefined) {
    cached = tokenize(phrase)
    if (lineWords.size >= 10_000) lineWords.clear()
    lineWords.set(phrase, cached)
  }
  return cached
}

function contentWords(phrases: readonly string[]): string[] {
  return [...new Set(phrases.flatMap(words).filter((w) => w.length > 1 && !STOP_WORDS.has(w)))]
}

/** A small LRU so statement detection runs once per chunk, not once per request. */
class StatementCache {
  readonly #map = new Map<string, readonly Statement[]>()
  /** the same verdicts by chunk object: a store that hands out one object per chunk skips hashing its hash */
  readonly #byChunk = new WeakMap<object, readonly Statement[]>()
  readonly #max: number
  constructor(max: number) {
    this.#max = max
  }
  get(hit: ChunkHit): readonly Statement[] {
    const known = this.#byChunk.get(hit.chunk)
    if (known !== undefined) return known
    const key = hit.chunk.hash
    let value = this.#map.get(key)
    if (value === undefined) {
      value = classifyStatement(`${hit.chunk.sectionPath.join(' ')}\n${hit.chunk.text}`)
      if (this.#map.size >= this.#max) {
        const oldest = this.#map.keys().next().value
        if (oldest !== undefined) this.#map.delete(oldest)
      }
      this.#map.set(key, value)
    }
    this.#byChunk.set(hit.chunk, value)
    return value
  }
}

/**
 * BM25 (always) and dense search (when an embedding model is configured), steered by document routing
 * and a finance lexicon, fused with RRF, and grouped into page-sized sources.
 *
 * Per question it runs up to three keyword queries — the question's own words, the lexicon's printed
 * line items for the concepts it names, and the statement those concepts live on — plus one vector
 * query; everything else (routing table, lexicon index, statement verdicts) is computed once.
 */
export function createHybridRetriever(deps: HybridRetrieverDeps): Retriever & { readonly router: DocumentRouter } {
  const { corpus, embeddings, logger } = deps
  const options = deps.options ?? {}
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights }
  const candidates = options.candidates ?? 60
  const boost = options.statementBoost ?? 1.5
  const router = new DocumentRouter(corpus, options.routingRefreshMs === undefined ? {} : { refreshMs: options.routingRefreshMs })
  const statementCache = new StatementCache(20_000)

  /**
   * Dense hits, or none when the embedding call fails: answers then rest on BM25 (logged), as they do
   * with no model configured. A caller's abort is not a failure to hide and propagates.
   */
  async function denseSearch(
    model: EmbeddingModel,
    question: string,
    filterPart: { filter?: SearchFilter },
    signal: AbortSignal | undefined,
  ): Promise<{ hits: ChunkHit[] | undefined; ms: number }> {
    const t0 = performance.now()
    try {
      const vector = await model.embedQuery(question, signal)
      const hits = await corpus.vectorSearch({ vector, model: model.id, limit: candidates, ...filterPart })
      return { hits, ms: performance.now() - t0 }
    } catch (err) {
      if (signal?.aborted === true) throw err
      logger?.warn({ err, model: model.id }, 'query embedding failed: retrieving with BM25 only')
      return { hits: undefined, ms: performance.now() - t0 }
    }
  }

  async function retrieve(question: string, request: RetrieveOptions = {}): Promise<Retrieval> {
    request.signal?.throwIfAborted()
    const started = performance.now()
    const topK = request.topK ?? options.topK ?? 8
    const analysis = analyzeQuery(question)

    let filter: SearchFilter | undefined
    let route: Retrieval['route']
    let consumed: ReadonlySet<number> = new Set()
    const { collections } = request
    if (request.filter !== undefined) {
      filter = request.filter
      route = { ...request.filter, reason: 'filter given by the caller' }
    } else {
      const decision = (await router.table(collections)).route(analysis)
      filter = decision.filter
      consumed = decision.consumed
      route = { ...(decision.filter ?? {}), reason: decision.reason }
    }
    // the caller's collections bound every search, whatever the filter or the route says
    if (collections !== undefined) filter = { ...filter, collections }

    // words that only named the company or the document type would match every page of the filing
    const consumedWords = new Set([...consumed].map((i) => analysis.tokens[i]))
    const freeWords = new Set(analysis.tokens.filter((_, i) => !consumed.has(i)))
    const terms = analysis.terms.filter((t) => !consumedWords.has(t) || freeWords.has(t))

    const concepts = matchConcepts(analysis.tokens)
    const statements = neededStatements(analysis.tokens, concepts)
    const lines = concepts.flatMap((c) => c.lines)
    const filterPart = filter === undefined ? {} : { filter }

    // the query embedding is a network call: start it first so it overlaps the keyword searches
    let vectorMs = 0
    const dense = embeddings === undefined ? Promise.resolve(undefined) : denseSearch(embeddings, question, filterPart, request.signal)

    const searches: Promise<{ name: keyof typeof DEFAULT_WEIGHTS; hits: ChunkHit[] }>[] = []
    const keyword = (name: keyof typeof DEFAULT_WEIGHTS, t: readonly string[], phrases: readonly (readonly string[])[]): void => {
      if (t.length === 0 && phrases.length === 0) return
      searches.push(corpus.keywordSearch({ terms: t, phrases, limit: candidates, ...filterPart }).then((hits) => ({ name, hits })))
    }
    const keywordStarted = performance.now()
    keyword('question', terms, analysis.phrases)
    if (lines.length > 0) {
      keyword('lexicon', contentWords(lines), lines.map(words).filter((p) => p.length > 1))
    }
    if (statements.length > 0) {
      keyword('statement', [...new Set([...statements.flatMap((s) => STATEMENT_QUERY[s]), ...contentWords(lines)])], [])
    }
    const [keywordResults, denseResult] = await Promise.all([
      Promise.all(searches).then((r) => ({ r, ms: performance.now() - keywordStarted })),
      dense,
    ])
    const keywordMs = keywordResults.ms
    if (denseResult !== undefined) vectorMs = denseResult.ms
    const results = denseResult?.hits === undefined ? keywordResults.r : [...keywordResults.r, { name: 'dense' as const, hits: denseResult.hits }]

    const lists: RankedList<ChunkHit>[] = results.map((r) => ({ items: r.hits, weight: weights[r.name] }))
    const fused = reciprocalRankFusion(lists, (h) => h.documentId, (h) => h.chunk.ordinal, options.rrfK ?? 20)
    if (statements.length > 0) {
      for (const f of fused) {
        if (statementCache.get(f.item).some((s) => statements.includes(s))) f.score *= boost
      }
      fused.sort((a, b) => b.score - a.score)
    }

    let groups = groupByPage(fused, topK)
    if (options.expandNeighbours ?? true) groups = await expandNeighbours(corpus, groups)
    const sources: RetrievedSource[] = groups.map(toSource)

    const totalMs = performance.now() - started
    if (logger !== undefined && logger.isLevelEnabled?.('debug') !== false) {
      logger.debug(
        { route: route.reason, concepts: concepts.map((c) => c.id), statements, lists: results.map((r) => `${r.name}:${r.hits.length}`), sources: sources.length, totalMs },
        'retrieval',
      )
    }
    return { sources, route, timings: { totalMs, keywordMs, vectorMs } }
  }

  return { retrieve, router }
}
