import { parseCollectionsColumn, type ApiKeyInfo, type Scope } from '../core/keys.js'
import { isoTime, isoTimeOrNull } from './sql-values.js'

/** An API key as both SQL stores select it (`SELECT *`); timestamps are TEXT in SQLite, TIMESTAMPTZ in PostgreSQL. */
export interface KeyRow {
  id: string
  name: string | null
  scope: Scope
  hash: string
  created_at: string | Date
  revoked_at: string | Date | null
  collections: string | null
}

export function keyInfoFromRow(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    collections: parseCollectionsColumn(row.collections),
    createdAt: isoTime(row.created_at),
    revokedAt: isoTimeOrNull(row.revoked_at),
  }
}
