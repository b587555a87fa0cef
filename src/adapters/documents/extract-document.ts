import { AppError } from '../../errors.js'
import type { PageText } from '../../core/ingest/clean-pages.js'
import type { ParseProgress, ParseRequest } from '../../core/ingest/document-parser.js'
import { decodeText } from '../../core/ingest/file-type.js'
import type { PageUnits } from '../../core/ingest/page-units.js'
import { extractPages } from '../pdf/extract-pages.js'

/** A file's text by page or unit, and how the structuring step should read it. */
export interface ExtractedDocument {
  readonly pages: PageText[]
  readonly units?: PageUnits
  /** `#` lines are headings (Markdown, and what the HTML, DOCX, sheet and slide readers write) */
  readonly markdown: boolean
  /** drop running headers/footers and page numbers at page edges (real pages only: a sheet's last row is content) */
  readonly dropEdges: boolean
  /** pages whose text came from OCR */
  readonly ocrPages?: number[]
}

/** The reader for each supported type; every reader's errors are AppErrors with the type's stable code. */
export async function extractDocument(request: ParseRequest, onProgress?: (p: ParseProgress) => void): Promise<ExtractedDocument> {
  const { kind, bytes, maxPages } = request
  if (bytes.byteLength === 0) throw new AppError('empty_file', 'the file is empty (0 bytes); check the upload or copy', { status: 422 })
  if (kind === 'pdf' || kind === 'txt' || kind === 'md') {
    const { pages, ocrPages } = await extractPages(kind, bytes, { maxPages, ...(onProgress === undefined ? {} : { onProgress }) })
    return { pages, markdown: kind === 'md', dropEdges: true, ...(ocrPages.length === 0 ? {} : { ocrPages }) }
  }
  // Each reader loads on first use: a worker that only ever sees PDFs never holds exceljs or mammoth.
  const read =
    kind === 'html'
      ? (await import('./html-pages.js')).htmlToPages(decodeText(bytes))
      : kind === 'docx'
        ? await (await import('./docx-pages.js')).docxToPages(bytes)
        : kind === 'pptx'
          ? (await import('./pptx-pages.js')).pptxToPages(bytes, maxPages)
          : await (await import('./sheet-pages.js')).sheetsToPages(kind, bytes, maxPages, request.name.replace(/\.[^.]*$/, ''))
  if (read.pages.length > maxPages) {
    throw new AppError(
      'too_many_pages',
      `the document has ${read.pages.length} ${read.units.kind}s, over the limit of ${maxPages}; split it or raise RAGTUNE_MAX_PAGES`,
      { status: 413 },
    )
  }
  onProgress?.({ pagesDone: read.pages.length, pagesTotal: read.pages.length })
  return { pages: read.pages, units: read.units, markdown: true, dropEdges: kind === 'html' && read.units.kind === 'page' }
}
