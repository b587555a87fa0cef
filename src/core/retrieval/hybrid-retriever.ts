import type { Logger } from '../../logger.js'
import type { ChunkHit, Corpus, SearchFilter } from '../corpus.js'
import { scopedCorpus } from '../scoped-corpus.js'
import type { EmbeddingModel } from '../models.js'
import type { QuestionIntent, Retrieval, RetrievedSource, RetrieveOptions, Retriever } from './retriever.js'
import { analyzeQuery, tokenize, type AnalyzedQuery } from './query-analysis.js'
import type { RouteDecision, RoutingTable } from './routing-table.js'
import { isOverview, isOverviewWord, isSmallTalk } from './question-intent.js'
import { resolveNames, unheldSides } from './name-resolution.js'
import { OVERVIEW_QUERY, closestFirst, leadChunks } from './overview-pages.js'
import { matchConcepts, neededStatements } from './concept-matcher.js'
import { STATEMENT_QUERY, classifyStatement, type Statement } from './financial-statements.js'
import { DocumentRouter } from './document-router.js'
import { reciprocalRankFusion, type RankedList } from './rank-fusion.js'
import { STOP_WORDS } from './stop-words.js'
import { expandNeighbours, groupByPage, SourceTexts, toSource } from './source-assembly.js'
import { CacheRegistry, type BoundedCache } from '../bounded-cache.js'
import { SameObjectMemo, type ChunkRecord } from '../documents.js'

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
  readonly logger?: Logger
  readonly options?: HybridRetrieverOptions
  /** where its caches are created (statement verdicts, lexicon words); a private registry when absent */
  readonly caches?: CacheRegistry
}

// The question's own words count half when the lexicon recognised a concept: the printed line items
// ("Purchases of property, plant and equipment") then say more than the analyst's phrasing ("capex").
const DEFAULT_WEIGHTS = { question: 0.5, lexicon: 1, statement: 0.8, dense: 1 }

/** Which financial statements a chunk is on: worked out once per chunk (by object, then by hash). */
class StatementVerdicts {
  readonly #byHash: BoundedCache<string, readonly Statement[]>
  /** the same verdicts by chunk object (the same-object rule, see ChunkRecord): skips hashing its hash */
  readonly #byChunk = new SameObjectMemo<ChunkRecord, readonly Statement[]>()

  constructor(caches: CacheRegistry) {
    this.#byHash = caches.create('retrieval.statements')
  }

  get(hit: ChunkHit): readonly Statement[] {
    return this.#byChunk.get(hit.chunk, (chunk) =>
      this.#byHash.getOrCompute(chunk.hash, () => classifyStatement(`${chunk.sectionPath.join(' ')}\n${chunk.text}`)),
    )
  }
}

/**
 * BM25 (always) and dense search (when an embedding model is configured), steered by document routing
 * and a finance lexicon, fused with RRF, and grouped into page-sized sources.
 *
 * Per question it runs up to three keyword queries — the question's own words, the lexicon's printed
 * line items for the concepts it names, and (within the documents it is routed to) the statement those
 * concepts live on — plus one vector query; everything else (routing table, lexicon index, statement verdicts) is computed once.
 */
export function createHybridRetriever(deps: HybridRetrieverDeps): Retriever & { readonly router: DocumentRouter } {
  const { corpus, embeddings, logger } = deps
  const options = deps.options ?? {}
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights }
  const candidates = options.candidates ?? 60
  const boost = options.statementBoost ?? 1.5
  const caches = deps.caches ?? new CacheRegistry()
  const router = new DocumentRouter(corpus, {
    caches,
    ...(options.routingRefreshMs === undefined ? {} : { refreshMs: options.routingRefreshMs }),
  })
  const statementVerdicts = new StatementVerdicts(caches)
  const sourceTexts = new SourceTexts()
  /** a lexicon line's words, by line: the lines are a fixed set, their words are read once */
  const lineWords = caches.create<string, string[]>('retrieval.lexicon-words')
  const words = (line: string): string[] => lineWords.getOrCompute(line, tokenize)
  const contentWords = (phrases: readonly string[]): string[] => [
    ...new Set(phrases.flatMap(words).filter((w) => w.length > 1 && !STOP_WORDS.has(w))),
  ]

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

  /** One ranked search within a filter: the question's words, the lexicon's line items, the statement, dense. */
  async function rank(
    analysis: AnalyzedQuery,
    terms: readonly string[],
    filter: SearchFilter | undefined,
    signal: AbortSignal | undefined,
    extra: { overview: boolean; lead: readonly ChunkHit[] },
  ): Promise<{
    fused: { item: ChunkHit; score: number }[]
    keywordMs: number
    vectorMs: number
    lists: string[]
    concepts: string[]
    statements: Statement[]
  }> {
    const concepts = matchConcepts(analysis.tokens)
    const statements = extra.overview ? (['income'] as Statement[]) : neededStatements(analysis.tokens, concepts)
    const lines = concepts.flatMap((c) => c.lines)
    const filterPart = filter === undefined ? {} : { filter }

    // the query embedding is a network call: start it first so it overlaps the keyword searches
    const dense = embeddings === undefined ? Promise.resolve(undefined) : denseSearch(embeddings, analysis.question, filterPart, signal)

    const searches: Promise<{ name: keyof typeof DEFAULT_WEIGHTS; hits: ChunkHit[] }>[] = []
    const keyword = (name: keyof typeof DEFAULT_WEIGHTS, t: readonly string[], phrases: readonly (readonly string[])[]): void => {
      if (t.length === 0 && phrases.length === 0) return
      searches.push(corpus.keywordSearch({ terms: t, phrases, limit: candidates, ...filterPart }).then((hits) => ({ name, hits })))
    }
    const keywordStarted = performance.now()
    keyword('question', extra.overview ? [...new Set([...terms, ...OVERVIEW_QUERY])] : terms, analysis.phrases)
    if (lines.length > 0) {
      keyword(
        'lexicon',
        contentWords(lines),
        lines.map(words).filter((p) => p.length > 1),
      )
    }
    // The statement's own vocabulary finds a statement page within the filings a question is routed to;
    // routed to none (no company named), it would rank every filing's statement pages alike, by length
    // alone, at the cost of the longest lists in the index (bench/scale/run.ts: recall@5 the same without it)
    if (statements.length > 0 && filter?.documentIds !== undefined) {
      keyword('statement', [...new Set([...statements.flatMap((st) => STATEMENT_QUERY[st]), ...contentWords(lines)])], [])
    }
    const [keywordResults, denseResult] = await Promise.all([
      Promise.all(searches).then((r) => ({ r, ms: performance.now() - keywordStarted })),
      dense,
    ])
    const results =
      denseResult?.hits === undefined ? keywordResults.r : [...keywordResults.r, { name: 'dense' as const, hits: denseResult.hits }]
    const lists: RankedList<ChunkHit>[] = results.map((r) => ({ items: r.hits, weight: weights[r.name] }))
    // an overview's lead pages (a release's headline and table) rank with the best list
    if (extra.lead.length > 0) lists.push({ items: [...extra.lead], weight: 1 })
    const fused = reciprocalRankFusion(
      lists,
      (h) => h.documentId,
      (h) => h.chunk.ordinal,
      options.rrfK ?? 20,
    )
    if (statements.length > 0) {
      for (const f of fused) {
        if (statementVerdicts.get(f.item).some((st) => statements.includes(st))) f.score *= boost
      }
      fused.sort((a, b) => b.score - a.score)
    }
    return {
      fused,
      keywordMs: keywordResults.ms,
      vectorMs: denseResult?.ms ?? 0,
      lists: results.map((r) => `${r.name}:${r.hits.length}`),
      concepts: concepts.map((c) => c.id),
      statements,
    }
  }

  function answerless(
    kind: 'off-corpus' | 'small-talk',
    table: RoutingTable,
    started: number,
    reason: string,
    missing: readonly string[] = [],
  ): Retrieval {
    return {
      sources: [],
      route: { reason },
      timings: { totalMs: performance.now() - started, keywordMs: 0, vectorMs: 0 },
      intent: { kind, held: closestFirst(table.held(), missing), ...(missing.length === 0 ? {} : { missing }) },
    }
  }

  /**
   * A caller's `company` filter read the way routing reads names (any case, "Adobe" for "Adobe Inc.",
   * tickers), as the documents it names; kept as given when it names none, so it still matches nothing.
   */
  async function companiesAsDocuments(filter: SearchFilter, collections: readonly string[] | undefined): Promise<SearchFilter> {
    if (filter.company === undefined || filter.company.length === 0) return filter
    const ids = (await router.table(collections)).documentsOfCompanies(filter.company)
    const kept = filter.documentIds === undefined ? ids : ids.filter((id) => filter.documentIds?.includes(id))
    if (kept.length === 0) return filter
    const { company: _named, ...rest } = filter
    return { ...rest, documentIds: kept }
  }

  async function retrieve(question: string, request: RetrieveOptions = {}): Promise<Retrieval> {
    request.signal?.throwIfAborted()
    const started = performance.now()
    const topK = request.topK ?? options.topK ?? 8
    let analysis = analyzeQuery(question)
    // A caller limited to some collections: its routing table holds only their documents, and every
    // search, name check and chunk read below goes through them (a name only another collection holds
    // is off-corpus here).
    const scope = request.collections
    const visible = scope === undefined ? corpus : scopedCorpus(corpus, scope)
    const bound = (f: SearchFilter | undefined): SearchFilter | undefined => (scope === undefined ? f : { ...f, collections: scope })

    let decision: RouteDecision
    if (request.filter !== undefined) {
      decision = { filter: await companiesAsDocuments(request.filter, scope), reason: 'filter given by the caller', consumed: new Set() }
    } else {
      const table = await router.table(scope)
      if (isSmallTalk(analysis)) return answerless('small-talk', table, started, 'small talk: no documents searched')
      decision = table.route(analysis)
      if ((decision.companies ?? []).length === 0) {
        const names = await resolveNames(visible, table, analysis, decision)
        if (names.kind === 'off-corpus')
          return answerless('off-corpus', table, started, `no stored issuer for ${names.missing.join(', ')}`, names.missing)
        if (names.kind === 'rewrite') {
          analysis = analyzeQuery(names.question)
          decision = table.route(analysis)
        }
      }
    }
    const route: Retrieval['route'] = { ...(decision.filter ?? {}), reason: decision.reason }
    const unheld =
      request.filter === undefined && (decision.companies ?? []).length > 0
        ? await unheldSides(corpus, await router.table(), analysis, decision)
        : []
    const consumed = decision.consumed

    // words that only named the company or the document type would match every page of the filing
    const consumedWords = new Set([...consumed].map((i) => analysis.tokens[i]))
    const freeWords = new Set(analysis.tokens.filter((_, i) => !consumed.has(i)))
    const overview = decision.filter?.documentIds !== undefined && isOverview(analysis, consumed)
    const terms = analysis.terms.filter((t) => (!consumedWords.has(t) || freeWords.has(t)) && !(overview && isOverviewWord(t)))

    const sides = decision.sides ?? [{ label: '', documentIds: decision.filter?.documentIds ?? [] }]
    const perSide = sides.length > 1 ? Math.max(2, Math.ceil(topK / sides.length)) : topK
    const ranked = await Promise.all(
      sides.map(async (side) => {
        const filter = bound(sides.length > 1 ? { documentIds: side.documentIds } : decision.filter)
        const lead = overview ? await leadChunks(visible, filter?.documentIds ?? []) : []
        const r = await rank(analysis, terms, filter, request.signal, { overview, lead })
        let groups = groupByPage(r.fused, perSide)
        if (options.expandNeighbours ?? true) groups = await expandNeighbours(visible, groups)
        return {
          ...r,
          sources: groups.map((g) => (sides.length > 1 ? { ...toSource(g, sourceTexts), side: side.label } : toSource(g, sourceTexts))),
        }
      }),
    )
    // sides alternate, best first, so a cut to fit a context budget keeps every side
    const sources: RetrievedSource[] = []
    for (let i = 0; sources.length < topK && ranked.some((r) => i < r.sources.length); i++) {
      for (const r of ranked) {
        const source = r.sources[i]
        if (source !== undefined && sources.length < topK) sources.push(source)
      }
    }

    const totalMs = performance.now() - started
    if (logger !== undefined && logger.isLevelEnabled('debug')) {
      logger.debug(
        {
          route: route.reason,
          concepts: ranked[0]?.concepts,
          statements: ranked[0]?.statements,
          lists: ranked.flatMap((r) => r.lists),
          sources: sources.length,
          totalMs,
        },
        'retrieval',
      )
    }
    const missing = unheld.length === 0 ? {} : { missing: unheld }
    const intent: QuestionIntent | undefined =
      sides.length > 1 || unheld.length > 0
        ? { kind: 'comparison', sides: sides.length > 1 ? sides.map((side) => side.label) : [], ...missing }
        : overview
          ? { kind: 'overview' }
          : undefined
    return {
      sources,
      route,
      timings: { totalMs, keywordMs: Math.max(...ranked.map((r) => r.keywordMs)), vectorMs: Math.max(...ranked.map((r) => r.vectorMs)) },
      ...(intent === undefined ? {} : { intent }),
    }
  }

  return { retrieve, router }
}
