import type { CommitInput } from '../core/corpus.js'
import type { ChunkRecord } from '../core/documents.js'
import { serializeStats, type Bm25Delta } from '../core/sparse/bm25-encoder.js'

/** Row shapes and values the SQLite and PostgreSQL document stores share (the same columns in both). */

/** A chunk's own columns; `section_path` is JSON text in SQLite, a TEXT[] array in PostgreSQL. */
export interface ChunkColumns {
  document_id: string
  version: number
  ordinal: number
  header: string
  text: string
  page_start: number
  page_end: number
  section_path: string | string[]
  char_start: number
  char_end: number
  tokens: number
  hash: string
}

export function chunkRecordFromRow(row: ChunkColumns): ChunkRecord {
  return {
    ordinal: row.ordinal,
    text: row.text,
    header: row.header,
    pageStart: row.page_start,
    pageEnd: row.page_end,
    sectionPath: typeof row.section_path === 'string' ? (JSON.parse(row.section_path) as string[]) : row.section_path,
    charStart: row.char_start,
    charEnd: row.char_end,
    tokens: row.tokens,
    hash: row.hash,
  }
}

/**
 * A staged version's column values in insert order (document_id, version, source_name, sha256, fingerprint,
 * meta, pages, chunks, embedding_model, bm25), meta and bm25 as JSON text.
 */
export function stagedVersionValues(
  input: CommitInput,
  version: number,
  bm25: Bm25Delta,
): [string, number, string, string, string, string, number, number, string | null, string] {
  return [
    input.documentId,
    version,
    input.sourceName,
    input.sha256,
    input.fingerprint,
    JSON.stringify(input.meta),
    input.pages,
    input.chunks.length,
    input.embeddings?.model ?? null,
    JSON.stringify(serializeStats(bm25)),
  ]
}
