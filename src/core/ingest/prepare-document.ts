import { AppError } from '../../errors.js'
import { detectBlocks } from './blocks.js'
import { cleanPages, type PageText } from './clean-pages.js'
import type { ParsedDocument } from './document-parser.js'

/** Fewer letters than this in the whole document means there is no text layer (digits alone are page numbers). */
const MIN_LETTERS = 3

/** Pages of extracted text → cleaned headings, paragraphs and tables (pure; runs inside parse workers). */
export function structureDocument(pages: readonly PageText[], options: { markdown?: boolean } = {}): ParsedDocument {
  const cleaned = cleanPages(pages)
  const blocks = detectBlocks(cleaned, { markdown: options.markdown ?? false })
  const letters = blocks.reduce((n, b) => n + (b.text.match(/\p{L}/gu)?.length ?? 0), 0)
  if (letters < MIN_LETTERS) {
    throw new AppError(
      'no_extractable_text',
      'no extractable text: the file has no text layer (a scan or images only); run OCR on it first, then ingest the result',
      { status: 422 },
    )
  }
  const firstPagesText = cleaned
    .slice(0, 2)
    .map((p) => p.lines.join('\n'))
    .join('\n')
    .slice(0, 8000)
  return { pages: pages.length, blocks, firstPagesText }
}
