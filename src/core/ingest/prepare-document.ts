import { AppError } from '../../errors.js'
import { detectBlocks } from './blocks.js'
import { chunkBlocks, type ChunkingOptions } from './chunker.js'
import { cleanPages, type PageText } from './clean-pages.js'
import type { ParsedDocument } from './document-parser.js'

/** Fewer letters than this in the whole document means there is no text layer (digits alone are page numbers). */
const MIN_LETTERS = 3

/** Pages of extracted text → cleaned, structured, chunked document (pure; runs inside parse workers). */
export async function prepareDocument(
  pages: readonly PageText[],
  options: { chunking: ChunkingOptions; markdown?: boolean },
): Promise<ParsedDocument> {
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
  const { text, chunks } = await chunkBlocks(blocks, options.chunking)
  const firstPagesText = cleaned
    .slice(0, 2)
    .map((p) => p.lines.join('\n'))
    .join('\n')
    .slice(0, 8000)
  return { pages: pages.length, chunks, firstPagesText, textLength: text.length }
}
