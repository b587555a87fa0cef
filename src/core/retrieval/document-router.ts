import type { Corpus } from '../corpus.js'
import { RoutingTable } from './routing-table.js'

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

  constructor(corpus: Corpus, options: { refreshMs?: number; now?: () => number } = {}) {
    this.#corpus = corpus
    this.#refreshMs = options.refreshMs ?? 1000
    this.#now = options.now ?? (() => performance.now())
  }

  async table(): Promise<RoutingTable> {
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
    const signature = RoutingTable.signatureOf(documents)
    const table = this.#table?.signature === signature ? this.#table : new RoutingTable(documents)
    this.#table = table
    this.#checkedAt = this.#now()
    return table
  }
}
