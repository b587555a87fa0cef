import { createHash } from 'node:crypto'
import type { ChunkRecord } from '../../src/core/documents.js'

/**
 * Chunks of a test document as the store keeps them: one chunk a page (page = index + 1), with the
 * header and section path given for each page, character offsets as if the pages were joined by '\n'.
 */
export function pageChunks(
  pages: readonly string[],
  header: (page: number) => string,
  sectionPath: (page: number) => string[] = () => [],
): ChunkRecord[] {
  let offset = 0
  return pages.map((text, i) => {
    const h = header(i + 1)
    const chunk: ChunkRecord = {
      ordinal: i,
      text,
      header: h,
      pageStart: i + 1,
      pageEnd: i + 1,
      sectionPath: sectionPath(i + 1),
      charStart: offset,
      charEnd: offset + text.length,
      tokens: text.split(/\s+/).length,
      hash: createHash('sha256')
        .update(h + text)
        .digest('hex'),
    }
    offset += text.length + 1
    return chunk
  })
}
