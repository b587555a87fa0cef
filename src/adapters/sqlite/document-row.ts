import type { DocumentMeta, DocumentSummary } from '../../core/documents.js'

/** A document row as both SQLite document tables store it (`documents`, `registry_documents`). */
export interface DocumentRow {
  id: string
  active_version: number
  source_name: string
  sha256: string
  fingerprint: string
  meta_json: string
  pages: number
  chunks: number
  embedding_model: string | null
  created_at: string
  updated_at: string
}

export function toDocumentSummary(row: DocumentRow): DocumentSummary {
  return {
    id: row.id,
    activeVersion: row.active_version,
    meta: JSON.parse(row.meta_json) as DocumentMeta,
    sha256: row.sha256,
    fingerprint: row.fingerprint,
    sourceName: row.source_name,
    pages: row.pages,
    chunks: row.chunks,
    embeddingModel: row.embedding_model,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
