import type { OriginalRef } from '../core/originals.js'

/** A version's original as both stores select it (SQLite and PostgreSQL share the table shapes). */
export interface RefRow {
  document_id: string
  version: number
  sha256: string
  source_name: string
  content_type: string
  /** BIGINT: a string from pg */
  size: number | string
  pages: number
  /** TIMESTAMPTZ: a Date from pg */
  created_at: string | Date
}

/** Page texts of an original, the same DDL in both stores; they go with their original. */
export const ORIGINAL_PAGES_TABLE = `CREATE TABLE original_pages (
    sha256 TEXT NOT NULL REFERENCES originals(sha256) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
  );`

export const REF_SELECT = `SELECT r.document_id, r.version, r.sha256, r.source_name, r.created_at, o.content_type, o.size, o.pages
  FROM original_refs r JOIN originals o ON o.sha256 = r.sha256`

export function toRef(row: RefRow): OriginalRef {
  return {
    documentId: row.document_id,
    version: row.version,
    sha256: row.sha256,
    sourceName: row.source_name,
    contentType: row.content_type,
    size: Number(row.size),
    pages: row.pages,
    createdAt: typeof row.created_at === 'string' ? row.created_at : row.created_at.toISOString(),
  }
}
