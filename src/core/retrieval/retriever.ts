import type { SearchFilter } from '../corpus.js'
import type { DocumentMeta } from '../documents.js'

/**
 * The retrieval port the answer pipeline consumes: question in, ranked page-cited sources out.
 * The hybrid implementation (BM25 + dense, RRF, document routing, finance lexicon) lives beside it.
 */
export interface Retriever {
  retrieve(question: string, options?: RetrieveOptions): Promise<Retrieval>
}

export interface RetrieveOptions {
  readonly filter?: SearchFilter
  /**
   * The collections searched: the caller's scope (a key's collections, or the one it named). Absent:
   * all. Every search and the routing table are limited to them.
   */
  readonly collections?: readonly string[]
  /** sources to return (default 8) */
  readonly topK?: number
  readonly signal?: AbortSignal
}

export interface RetrievedSource {
  readonly documentId: string
  readonly version: number
  readonly meta: DocumentMeta
  readonly pageStart: number
  readonly pageEnd: number
  readonly sectionPath: readonly string[]
  /** the text given to the model and cited (may join neighbouring chunks) */
  readonly text: string
  /** ordinals of the chunks that make up `text` */
  readonly ordinals: readonly number[]
  /** fused score; higher is better */
  readonly score: number
  /** for a question with several sides (two companies, two far-apart periods): the side this source serves */
  readonly side?: string
}

/**
 * What kind of question the retriever took it to be. `off-corpus` and `small-talk` come with no
 * sources: the answer says what the store holds instead of quoting stray matches.
 */
export interface QuestionIntent {
  readonly kind: 'documents' | 'overview' | 'comparison' | 'off-corpus' | 'small-talk'
  /** side labels of a comparison, in the order the sources alternate */
  readonly sides?: readonly string[]
  /** names in the question that match no stored issuer (off-corpus; in a comparison, the sides not held) */
  readonly missing?: readonly string[]
  /** what the store holds, one line per issuer ("3M: 2018 Form 10-K, 2022 Form 10-K"), closest to `missing` first */
  readonly held?: readonly string[]
}

export interface Retrieval {
  readonly sources: readonly RetrievedSource[]
  /** what routing inferred from the question (documents, company, year, type), for logs and debugging */
  readonly route: SearchFilter & { readonly reason?: string }
  readonly timings: { readonly totalMs: number; readonly keywordMs: number; readonly vectorMs: number }
  /** absent means `documents`: an ordinary question searched over the routed documents */
  readonly intent?: QuestionIntent
}
