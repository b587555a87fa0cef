import { AppError } from '../../errors.js'
import { detectBlocks } from './blocks.js'
import { cleanPages, type PageText } from './clean-pages.js'
import type { ParsedDocument } from './document-parser.js'
import type { PageUnits } from './page-units.js'

/** Fewer letters than this in the whole document means there is no text layer (digits alone are page numbers). */
const MIN_LETTERS = 3

/** Pages of extracted text → cleaned headings, paragraphs and tables (pure; runs inside parse workers). */
export function structureDocument(
  pages: readonly PageText[],
  options: {
    markdown?: boolean
    /** false keeps every line (sheets, slides: an edge line is content, not a running header) */
    dropEdges?: boolean
    units?: PageUnits
    ocrPages?: number[]
    /** what to do when there is no text, for the error message */
    noTextHint?: string
  } = {},
): ParsedDocument {
  const cleaned = cleanPages(pages, { dropEdges: options.dropEdges ?? true })
  const blocks = detectBlocks(cleaned, { markdown: options.markdown ?? false })
  if (!hasLetters(blocks, MIN_LETTERS)) {
    throw new AppError(
      'no_extractable_text',
      `no extractable text: the file has no text layer (a scan or images only); ${options.noTextHint ?? 'run OCR on it first, then ingest the result'}`,
      { status: 422 },
    )
  }
  const firstPagesText = cleaned
    .slice(0, 2)
    .map((p) => p.lines.join('\n'))
    .join('\n')
    .slice(0, 8000)
  return {
    pages: pages.length,
    blocks,
    firstPagesText,
    ...(options.units === undefined || options.units.kind === 'page' ? {} : { units: options.units }),
    ...(options.ocrPages === undefined || options.ocrPages.length === 0 ? {} : { ocrPages: options.ocrPages }),
  }
}

/** Whether the blocks hold at least `min` letters; stops counting there (a 10-K has millions). */
function hasLetters(blocks: readonly { readonly text: string }[], min: number): boolean {
  const letter = /\p{L}/gu
  let n = 0
  for (const b of blocks) {
    letter.lastIndex = 0
    while (letter.exec(b.text) !== null) if (++n >= min) return true
  }
  return false
}
