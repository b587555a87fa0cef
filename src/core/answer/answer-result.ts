import type { SearchFilter } from '../corpus.js'
import type { ChatMessage } from '../models.js'
import type { NumberCheck } from './number-checks.js'

/** One numbered source as the answer cites it; `n` is the marker used in the answer text. */
export interface Citation {
  readonly n: number
  readonly documentId: string
  readonly version: number
  readonly title: string
  readonly pageStart: number
  readonly pageEnd: number
  /** where in the document, for a reader: "p. 3", "slide 3", "sheet Revenue", "section 2 (Risk Factors)"; "(OCR)" when read from a scan */
  readonly locator: string
  readonly snippet: string
}

export interface AnswerUsage {
  readonly promptTokens: number
  readonly completionTokens: number
}

export interface AnswerTimings {
  readonly retrievalMs: number
  readonly modelMs: number
  readonly totalMs: number
}

export interface AnswerResult {
  readonly answer: string
  /** `generated` by a chat model, or `extractive`: sentences quoted from the sources when no model is set */
  readonly mode: 'generated' | 'extractive'
  /** the sources the answer cites, by marker number */
  readonly citations: readonly Citation[]
  /** numbers in the answer that appear in none of the cited sources (fact-lock) */
  readonly unsupportedNumbers: readonly string[]
  /** a verdict for every number of the answer: quoted, derived (with its expression), context or unsupported */
  readonly checks: readonly NumberCheck[]
  /** markers the model wrote that point at no provided source; removed from `answer` */
  readonly removedCitations: readonly number[]
  /** the model that wrote the answer; null in extractive mode */
  readonly model: string | null
  /** the voice id that answered; null for the default base model */
  readonly voice: string | null
  /** prompt id@version, e.g. "answer@1"; "extractive@1" when no model wrote the answer */
  readonly prompt: string
  readonly usage: AnswerUsage | null
  readonly timings: AnswerTimings
}

export interface AskOptions {
  readonly filter?: SearchFilter
  /** the collections the answer may draw on (the caller's scope, see RetrieveOptions); absent: all */
  readonly collections?: readonly string[]
  readonly topK?: number
  /** voice id (chat "model"); undefined for the active voice */
  readonly voice?: string
  /** earlier turns of a conversation; the question is condensed with them before retrieval */
  readonly history?: readonly ChatMessage[]
  /** the client's own system message: followed for tone and format, below the fact rules, never above them */
  readonly instructions?: string
  readonly signal?: AbortSignal
}

/** What `askStream` yields: answer text as it is written, then the checked result. */
export type AnswerEvent = { readonly type: 'token'; readonly text: string } | { readonly type: 'final'; readonly result: AnswerResult }
