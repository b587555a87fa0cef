import { chunkKey, type StoredChunk } from '../core/catalog.js'
import type { CommitInput } from '../core/corpus.js'
import type { ChunkRecord, DocumentMeta, DocumentSummary } from '../core/documents.js'
import { serializeStats, type Bm25Delta } from '../core/sparse/bm25-encoder.js'
import { isoTime, jsonColumn } from './sql-values.js'

/** Row shapes and values the SQLite and PostgreSQL document stores share (the same columns in both). */

/** A document's own columns (its meta is `meta_json` TEXT in SQLite, `meta` JSONB in PostgreSQL). */
export interface DocumentColumns {
  id: string
  active_version: number
  source_name: string
  sha256: string
  fingerprint: string
  pages: number
  chunks: number
  embedding_model: string | null
  created_at: string | Date
  updated_at: string | Date
}

/** `fingerprintModel` where the store keeps that column (the SQLite corpus). */
export function documentSummaryFromRow(row: DocumentColumns, meta: DocumentMeta, fingerprintModel?: string | null): DocumentSummary {
  return {
    id: row.id,
    activeVersion: row.active_version,
    meta,
    sha256: row.sha256,
    fingerprint: row.fingerprint,
    sourceName: row.source_name,
    pages: row.pages,
    chunks: row.chunks,
    embeddingModel: row.embedding_model,
    ...(fingerprintModel === undefined ? {} : { fingerprintModel }),
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  }
}

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
    sectionPath: jsonColumn(row.section_path),
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

/** Chunks keyed as `CorpusCatalog.chunksAt` returns them. */
export function byChunkKey(chunks: readonly StoredChunk[]): Map<string, StoredChunk> {
  return new Map(chunks.map((c) => [chunkKey(c), c]))
}
