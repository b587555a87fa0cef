import type { ChunkRecord, DocumentMeta, DocumentSummary } from '../../core/documents.js'
import type { ChunkHit } from '../../core/corpus.js'
import { chunkRecordFromRow, documentSummaryFromRow, type ChunkColumns, type DocumentColumns } from '../catalog-rows.js'

/** Row shapes both SQLite document stores share (the embedded corpus and the scale-out registry). */

/** A document row as both SQLite document tables store it (`documents`, `registry_documents`). */
export interface DocumentRow extends DocumentColumns {
  meta_json: string
  /** added by a later migration (reembed) */
  fingerprint_model?: string | null
  created_at: string
  updated_at: string
}

export function toDocumentSummary(row: DocumentRow): DocumentSummary {
  return documentSummaryFromRow(row, rowMeta(row), row.fingerprint_model ?? null)
}

/** The chunk columns both chunk tables store, joined with their document's or version's `meta_json`. */
export interface ChunkRow extends ChunkColumns {
  section_path: string
  meta_json: string
}

/** A chunk's column values in insert order (document_id, version, ordinal, header, text, page_start, page_end, section_path, char_start, char_end, tokens, hash). */
export function chunkRowValues(
  documentId: string,
  version: number,
  c: ChunkRecord,
): [string, number, number, string, string, number, number, string, number, number, number, string] {
  return [
    documentId,
    version,
    c.ordinal,
    c.header,
    c.text,
    c.pageStart,
    c.pageEnd,
    JSON.stringify(c.sectionPath),
    c.charStart,
    c.charEnd,
    c.tokens,
    c.hash,
  ]
}

export function rowMeta(row: { meta_json: string }): DocumentMeta {
  return JSON.parse(row.meta_json) as DocumentMeta
}

/** A `chunks c JOIN documents d` row as the corpus searches select it (`CHUNK_COLUMNS` plus a score). */
export interface ScoredChunkRow extends ChunkRow {
  id: number
  score: number
  /** keyword search: rows FTS5 ranked before the join */
  ranked?: number
}

export const CHUNK_COLUMNS = `c.id, c.document_id, c.version, c.ordinal, c.header, c.text, c.page_start, c.page_end, c.section_path,
  c.char_start, c.char_end, c.tokens, c.hash, d.meta_json`

export function toChunkHit(row: ScoredChunkRow): ChunkHit {
  return { documentId: row.document_id, version: row.version, chunk: chunkRecordFromRow(row), meta: rowMeta(row), score: row.score }
}
