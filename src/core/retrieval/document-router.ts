import type { Corpus } from '../corpus.js'
import type { DocumentSummary } from '../documents.js'
import { collectionOf } from '../collections.js'
import { RoutingTable } from './routing-table.js'
import { detectTickers } from './ticker-detection.js'
import { CacheRegistry, type BoundedCache } from '../bounded-cache.js'

/** leading chunks read per document to find its trading symbol; only those on the first two pages count */
const COVER_CHUNKS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
/** new documents scanned for tickers by the refresh itself; more are scanned in the background */
const SCAN_INLINE = 20

/**
 * Keeps the routing table in step with the store without rebuilding it per request: the document list
 * is re-read at most every `refreshMs`, and the table is rebuilt only when ids or active versions changed.
 * Concurrent requests share one in-flight refresh.
 */
export class DocumentRouter {
  readonly #corpus: Corpus
  readonly #refreshMs: number
  readonly #now: () => number
  #table: RoutingTable | undefined
  #checkedAt = Number.NEGATIVE_INFINITY
  #refreshing: Promise<RoutingTable> | undefined
  /** trading symbols by `id@version`, read once per document version */
  readonly #tickers = new Map<string, readonly string[]>()
  #documents: readonly DocumentSummary[] = []
  #scanning = false
  /** tables for callers limited to some collections, by collection list; rebuilt when the full table is */
  readonly #scoped: BoundedCache<string, { readonly base: RoutingTable; readonly table: RoutingTable }>

  constructor(corpus: Corpus, options: { refreshMs?: number; now?: () => number; caches?: CacheRegistry } = {}) {
    this.#corpus = corpus
    this.#scoped = (options.caches ?? new CacheRegistry()).create('retrieval.scoped-tables')
    this.#refreshMs = options.refreshMs ?? 1000
    this.#now = options.now ?? (() => performance.now())
  }

  /**
   * The routing table of the given collections' documents (all when omitted): a company that only
   * another collection holds routes nothing, so a question never learns of documents it may not see.
   */
  async table(collections?: readonly string[]): Promise<RoutingTable> {
    const full = await this.#fullTable()
    if (collections === undefined) return full
    const key = collections.join('\u0000')
    const known = this.#scoped.get(key)
    if (known?.base === full) return known.table
    const allowed = new Set(collections)
    const documents = this.#documents.filter((d) => allowed.has(collectionOf(d.id)))
    const table = this.#build(documents)
    this.#scoped.set(key, { base: full, table })
    return table
  }

  async #fullTable(): Promise<RoutingTable> {
    if (this.#table !== undefined && this.#now() - this.#checkedAt < this.#refreshMs) return this.#table
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  /** Forces the next `table()` to re-read the document list (e.g. right after an ingest). */
  invalidate(): void {
    this.#checkedAt = Number.NEGATIVE_INFINITY
  }

  async #refresh(): Promise<RoutingTable> {
    const documents = await this.#corpus.listDocuments()
    this.#documents = documents
    // symbols read at ingest are in the metadata; only documents ingested before that are scanned here
    const pending = documents.filter((d) => d.meta.tickers === undefined && !this.#tickers.has(`${d.id}@${d.activeVersion}`))
    // A few new documents (an ingest) are scanned now, so their symbols route the next question. A
    // store opened with many unscanned is scanned in the background: a question never waits for it.
    let scanned = 0
    if (pending.length <= SCAN_INLINE) scanned = await this.#scan(pending)
    else this.#scanInBackground(pending)
    const table = scanned === 0 && this.#table?.signature === RoutingTable.signatureOf(documents) ? this.#table : this.#build(documents)
    this.#table = table
    this.#checkedAt = this.#now()
    return table
  }

  #build(documents: readonly DocumentSummary[]): RoutingTable {
    return new RoutingTable(
      documents,
      new Map(documents.map((d) => [d.id, d.meta.tickers ?? this.#tickers.get(`${d.id}@${d.activeVersion}`) ?? []])),
    )
  }

  /** Reads the trading symbols of these documents' cover pages; returns how many were read. */
  async #scan(documents: readonly DocumentSummary[], yieldEvery = 0): Promise<number> {
    let n = 0
    for (const d of documents) {
      const cover = await this.#corpus.getChunks(d.id, COVER_CHUNKS)
      const text = cover
        .filter((h) => h.chunk.pageStart <= 2)
        .map((h) => h.chunk.text)
        .join('\n')
      this.#tickers.set(`${d.id}@${d.activeVersion}`, detectTickers(text))
      n++
      // let requests run between documents
      if (yieldEvery > 0 && n % yieldEvery === 0) await new Promise((r) => setImmediate(r))
    }
    return n
  }

  /** One background scan at a time; the table is rebuilt with the symbols once it ends. */
  #scanInBackground(documents: readonly DocumentSummary[]): void {
    if (this.#scanning) return
    this.#scanning = true
    this.#scan(documents, 5)
      .then(() => {
        this.#table = this.#build(this.#documents)
      })
      .catch(() => {
        // the store closed meanwhile: nothing to route any more
      })
      .finally(() => {
        this.#scanning = false
      })
  }
}
