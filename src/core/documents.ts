import type { PageUnits } from './ingest/page-units.js'

/**
 * What ragtune knows about a document, independent of where it is stored.
 */

/** Detected from the file name and first pages at ingest; any field may be overridden by the caller. */
export interface DocumentMeta {
  /** human title, e.g. "3M 2018 Form 10-K" */
  readonly title: string
  /** issuer, e.g. "3M" */
  readonly company?: string
  /** fiscal year the document covers, e.g. 2018 */
  readonly fiscalYear?: number
  /** 1–4 for quarterly documents */
  readonly fiscalQuarter?: number
  /** normalised: "10-K" | "10-Q" | "8-K" | "earnings" | "annual-report" | "letter" | "other" */
  readonly docType?: string
  /** a date printed on the document (ISO yyyy-mm-dd), e.g. an 8-K's filing date */
  readonly date?: string
  /** what the pages are when they are not real pages (slides, sheets, sections); absent = pages */
  readonly units?: PageUnits
  /** pages whose text came from OCR of a scan */
  readonly ocrPages?: number[]
  /**
   * trading symbols of the equity rows on the cover, read at ingest (possibly none); absent for a
   * document ingested before they were recorded (the router then reads its cover itself)
   */
  readonly tickers?: readonly string[]
}

/**
 * One searchable piece of a document version.
 *
 * **The same-object rule.** A store may hand out the same `ChunkRecord` object every time it returns the
 * same chunk of the same snapshot (the SQLite store does: `corpus-snapshot.ts` keeps one object per chunk
 * and one string per document id). Everything derived from chunks may then be memoised by object
 * identity with `SameObjectMemo`, and strings built from the same objects (a source's joined text) come
 * out as the same string object, which text-keyed `BoundedCache`s hash once and compare by pointer. It is
 * a speed rule only: a store that hands out fresh objects (PostgreSQL, a test double) gets the same
 * answers, just without those hits; nothing may depend on it for correctness, and nothing may mutate a
 * chunk it was handed. The other objects memoised this way follow the same rule: a retrieval's
 * `SearchFilter` (one object for all of its searches), a cached `Retrieval` (the same object for a
 * repeated question), an index's postings.
 */
export interface ChunkRecord {
  /** 0-based position in the version */
  readonly ordinal: number
  /** the chunk's own text, as cited */
  readonly text: string
  /** short contextual header indexed with the text: title, company, period, type, section */
  readonly header: string
  /** 1-based PDF page numbers (text files: 1) */
  readonly pageStart: number
  readonly pageEnd: number
  /** headings from outermost to innermost */
  readonly sectionPath: readonly string[]
  /** offsets into the document's cleaned full text */
  readonly charStart: number
  readonly charEnd: number
  readonly tokens: number
  /** sha256 of header + text: the embedding cache key */
  readonly hash: string
}

export interface DocumentSummary {
  readonly id: string
  readonly activeVersion: number
  readonly meta: DocumentMeta
  /** sha256 of the source bytes of the active version */
  readonly sha256: string
  /**
   * what decided the active version's content (source sha256, chunker version, embedding model, caller
   * overrides); lets the ingest pipeline skip an unchanged file before parsing it
   */
  readonly fingerprint?: string
  readonly sourceName: string
  readonly pages: number
  readonly chunks: number
  readonly embeddingModel: string | null
  /**
   * set after `ragtune reembed` replaced the vectors: the embedding model `fingerprint` was computed
   * with ('' for none), so a re-ingest of the same content still counts as unchanged
   */
  readonly fingerprintModel?: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

/**
 * A memo keyed by object identity, for values derived from objects the same-object rule (see
 * `ChunkRecord`) hands out again: an entry lives as long as its key object and needs no bound.
 */
export class SameObjectMemo<K extends object, V> {
  readonly #values = new WeakMap<K, V>()

  get(key: K, compute: (key: K) => V): V {
    let value = this.#values.get(key)
    if (value === undefined) {
      value = compute(key)
      this.#values.set(key, value)
    }
    return value
  }

  peek(key: K): V | undefined {
    return this.#values.get(key)
  }

  set(key: K, value: V): void {
    this.#values.set(key, value)
  }
}
