import type { ChunkDraft, ChunkingOptions } from './chunker.js'

export type SourceKind = 'pdf' | 'txt' | 'md'

export interface ParseRequest {
  readonly name: string
  readonly kind: SourceKind
  readonly bytes: Uint8Array
  readonly maxPages: number
  readonly chunking: ChunkingOptions
}

/** A file turned into chunk drafts; what the main thread needs to finish and store it. */
export interface ParsedDocument {
  readonly pages: number
  readonly chunks: ChunkDraft[]
  /** cleaned text of the first pages, for metadata detection */
  readonly firstPagesText: string
  readonly textLength: number
}

export interface ParseProgress {
  readonly pagesDone: number
  readonly pagesTotal: number
}

/**
 * Extracts, cleans and chunks one file. The default implementation runs in a pool of worker threads so
 * parsing uses every core while the single database writer stays on the main thread. Failures are
 * AppErrors with stable codes: `invalid_pdf`, `encrypted_pdf`, `no_extractable_text`, `too_many_pages`.
 */
export interface DocumentParser {
  /** how many files it parses at once */
  readonly concurrency: number
  parse(request: ParseRequest, options?: { signal?: AbortSignal; onProgress?: (p: ParseProgress) => void }): Promise<ParsedDocument>
  close(): Promise<void>
}
