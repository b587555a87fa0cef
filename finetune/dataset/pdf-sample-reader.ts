import { extractPages } from '../../src/adapters/pdf/extract-pages.js'
import { cleanPages } from '../../src/core/ingest/clean-pages.js'
import type { PdfTextReader } from './read-samples.js'

/** PDF samples go through the ingestion pipeline's extraction and header/footer cleaning. */
export function createPdfSampleReader(options: { maxPages: number }): PdfTextReader {
  return async (bytes) => {
    const pages = cleanPages((await extractPages('pdf', bytes, { maxPages: options.maxPages })).pages)
    // A blank line at each page break lets a paragraph end there; a sentence running across pages
    // is still joined, because paragraphs only end after a finished sentence.
    return pages.map((p) => p.lines.join('\n')).join('\n\n')
  }
}
