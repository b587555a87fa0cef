import type { Block } from './blocks.js'
import type { SourceKind } from './file-type.js'
import type { PageUnits } from './page-units.js'

export interface ParseRequest {
  readonly name: string
  readonly kind: SourceKind
  readonly bytes: Uint8Array
  readonly maxPages: number
}

/** A file turned into structure; the main thread chunks it (one tokenizer per process) and stores it. */
export interface ParsedDocument {
  readonly pages: number
  readonly blocks: Block[]
  /** cleaned text of the first pages, for metadata detection */
  readonly firstPagesText: string
  /** what the pages are when not real pages (slides, sheets, sections) */
  readonly units?: PageUnits
  /** pages whose text came from OCR */
  readonly ocrPages?: number[]
}

export interface ParseProgress {
  readonly pagesDone: number
  readonly pagesTotal: number
}

/**
 * Extracts, cleans and structures one file. The default implementation runs in a pool of worker threads
 * so parsing uses every core while the single database writer stays on the main thread. Chunking stays
 * on the main thread: the o200k rank table is costly to build and to hold, once per thread (bench/ingest.ts
 * shows the pipeline's CPU and peak RSS). Failures are AppErrors with stable codes: `invalid_pdf`,
 * `encrypted_pdf`, `invalid_docx`, `invalid_xlsx`, `invalid_csv`, `invalid_pptx`, `no_extractable_text`,
 * `too_many_pages`, `too_many_cells`.
 */
export interface DocumentParser {
  /** how many files it parses at once */
  readonly concurrency: number
  parse(request: ParseRequest, options?: { signal?: AbortSignal; onProgress?: (p: ParseProgress) => void }): Promise<ParsedDocument>
  close(): Promise<void>
}
