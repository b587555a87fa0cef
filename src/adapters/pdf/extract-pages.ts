import { PDFParse, type LoadParameters } from 'pdf-parse'
import { AppError } from '../../errors.js'
import type { PageText } from '../../core/ingest/clean-pages.js'
import type { ParseProgress } from '../../core/ingest/document-parser.js'
import { decodeText, type SourceKind } from '../../core/ingest/file-type.js'
import { discardInThreadPdfWorker, inThreadPdfWorker } from './in-thread-port.js'
import { ocrAvailable, ocrPdfPages } from './ocr.js'

/** Pages per getText call: small enough for steady progress, large enough to cost nothing. */
const PAGE_BATCH = 20

/** A page with fewer letters than this has no text layer worth keeping (a scan, maybe a page number). */
const MIN_PAGE_LETTERS = 3

/**
 * Text per page (1-based) from a PDF via pdf-parse, or a text/markdown file as one page. Pages without a
 * text layer are OCRed when tesseract is installed (`ocrPages` lists them). pdf-parse and pdfjs errors
 * become stable AppErrors here, at the adapter's boundary.
 */
export async function extractPages(
  kind: SourceKind,
  bytes: Uint8Array,
  options: { maxPages: number; onProgress?: (p: ParseProgress) => void },
): Promise<{ pages: PageText[]; ocrPages: number[] }> {
  if (bytes.byteLength === 0) throw new AppError('empty_file', 'the file is empty (0 bytes); check the upload or copy', { status: 422 })
  if (kind !== 'pdf') return { pages: textPages(bytes, options), ocrPages: [] }
  const pages = await pdfTextLayer(bytes, options)
  const scanned = pages.filter((p) => !hasLetters(p.text, MIN_PAGE_LETTERS)).map((p) => p.page)
  if (scanned.length === 0 || !ocrAvailable()) return { pages, ocrPages: [] }
  let recognised: Map<number, string>
  try {
    recognised = await ocrPdfPages(bytes, scanned)
  } catch (err) {
    throw new AppError(
      'ocr_failed',
      `OCR of the scanned pages failed (${err instanceof Error ? err.message.slice(0, 200) : String(err)}); check the tesseract install or OCR the file yourself`,
      { status: 422, cause: err },
    )
  }
  const ocrPages = scanned.filter((n) => hasLetters(recognised.get(n) ?? '', MIN_PAGE_LETTERS))
  return { pages: pages.map((p) => ({ page: p.page, text: recognised.get(p.page) ?? p.text })), ocrPages }
}

function hasLetters(text: string, min: number): boolean {
  let n = 0
  for (const _ of text.matchAll(/\p{L}/gu)) if (++n >= min) return true
  return false
}

async function pdfTextLayer(
  bytes: Uint8Array,
  options: { maxPages: number; onProgress?: (p: ParseProgress) => void },
): Promise<PageText[]> {
  // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
  const worker = inThreadPdfWorker() as LoadParameters['worker']
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0, ...(worker === undefined ? {} : { worker }) })
  try {
    const pages: PageText[] = []
    let total = Infinity
    for (let first = 1; first <= total; first += PAGE_BATCH) {
      const result = await parser.getText({ first, last: first + PAGE_BATCH - 1 })
      total = result.total
      if (total > options.maxPages) {
        throw new AppError(
          'too_many_pages',
          `the PDF has ${total} pages, over the limit of ${options.maxPages}; split it or raise RAGTUNE_MAX_PAGES`,
          { status: 413 },
        )
      }
      for (const p of result.pages) pages.push({ page: p.num, text: p.text })
      options.onProgress?.({ pagesDone: pages.length, pagesTotal: total })
    }
    return pages
  } catch (err) {
    if (worker !== undefined) discardInThreadPdfWorker()
    throw toAppError(err)
  } finally {
    await parser.destroy().catch(() => undefined)
  }
}

/**
 * A text file counts a page per TEXT_PAGE_BYTES (or per form feed), so RAGTUNE_MAX_PAGES bounds it like
 * a PDF, before anything is decoded; pages break at a blank line (else a line break) near that size.
 */
export const TEXT_PAGE_BYTES = 8 * 1024

function textPages(bytes: Uint8Array, options: { maxPages: number; onProgress?: (p: ParseProgress) => void }): PageText[] {
  const estimate = Math.ceil(bytes.byteLength / TEXT_PAGE_BYTES)
  if (estimate > options.maxPages) {
    throw new AppError(
      'too_many_pages',
      `the text is ${(bytes.byteLength / 1048576).toFixed(1)} MB, about ${estimate} pages of ${TEXT_PAGE_BYTES / 1024} KB, over the limit of ${options.maxPages}; split it or raise RAGTUNE_MAX_PAGES`,
      { status: 413 },
    )
  }
  const text = decodeText(bytes)
  const pages: PageText[] = []
  for (const sheet of text.split('\f')) {
    let rest = sheet
    while (rest.length > TEXT_PAGE_BYTES) {
      const window = rest.slice(0, TEXT_PAGE_BYTES)
      const paragraph = window.lastIndexOf('\n\n')
      const line = window.lastIndexOf('\n')
      const cut = paragraph > TEXT_PAGE_BYTES / 2 ? paragraph + 2 : line > 0 ? line + 1 : TEXT_PAGE_BYTES
      pages.push({ page: pages.length + 1, text: rest.slice(0, cut) })
      rest = rest.slice(cut)
    }
    pages.push({ page: pages.length + 1, text: rest })
  }
  if (pages.length > options.maxPages) {
    throw new AppError(
      'too_many_pages',
      `the text has ${pages.length} pages, over the limit of ${options.maxPages}; split it or raise RAGTUNE_MAX_PAGES`,
      { status: 413 },
    )
  }
  options.onProgress?.({ pagesDone: pages.length, pagesTotal: pages.length })
  return pages
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  const name = err instanceof Error ? err.name : ''
  const message = err instanceof Error ? err.message : String(err)
  if (name === 'PasswordException' || /password/i.test(message)) {
    return new AppError('encrypted_pdf', 'the PDF is password-protected; remove the password (e.g. qpdf --decrypt) and ingest it again', {
      status: 422,
      cause: err,
    })
  }
  if (/zero bytes|is empty/i.test(message)) {
    return new AppError('empty_file', 'the file is empty (0 bytes); check the upload or copy', { status: 422, cause: err })
  }
  if (
    name === 'InvalidPDFException' ||
    name === 'FormatError' ||
    /invalid pdf|pdf structure|xref|unexpected end|bad (?:x)?ref|startxref/i.test(message)
  ) {
    return new AppError(
      'invalid_pdf',
      'not a readable PDF (damaged, truncated or another format named .pdf); re-export or re-download it',
      { status: 422, cause: err },
    )
  }
  return new AppError('invalid_pdf', `the PDF could not be read (${message.slice(0, 200)}); re-export or re-download it`, {
    status: 422,
    cause: err,
  })
}
