import { collectionNotEmpty, type CollectionSummary } from '../../core/collections.js'
import type { DocumentSummary } from '../../core/documents.js'
import type { Db } from './database.js'
import { toDocumentSummary, type DocumentRow } from './rows.js'

/**
 * Listing by collection, for both SQLite document tables (the embedded corpus' `documents`, the registry's
 * `registry_documents`), each with a generated `collection` column and a table of created collections.
 */
export function sqliteCollectionQueries(db: Db, tables: { readonly documents: string; readonly collections: string }) {
  const { documents, collections } = tables
  const all = db.prepare<[], DocumentRow>(`SELECT * FROM ${documents} ORDER BY id`)
  const within = db.prepare<[string], DocumentRow>(
    `SELECT * FROM ${documents} WHERE collection IN (SELECT value FROM json_each(?)) ORDER BY id`,
  )
  const summaries = db.prepare<[], CollectionSummary>(`SELECT name, SUM(n) AS documents FROM (
      SELECT name, 0 AS n FROM ${collections} UNION ALL SELECT collection, 1 FROM ${documents}
    ) GROUP BY name ORDER BY name`)
  const holding = db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM ${documents} WHERE collection = ?`)
  const insert = db.prepare(`INSERT OR IGNORE INTO ${collections} (name, created_at) VALUES (?, ?)`)
  const keysIn = db.prepare<[string], { id: string }>(`SELECT id FROM ${documents} WHERE collection = ? ORDER BY id`)
  const forget = db.prepare(`DELETE FROM ${collections} WHERE name = ?`)
  return {
    listDocuments(only: readonly string[] | undefined): DocumentSummary[] {
      return (only === undefined ? all.all() : within.all(JSON.stringify(only))).map(toDocumentSummary)
    },
    listCollections: (): CollectionSummary[] => summaries.all(),
    /** records the collection; true when it was neither recorded nor holding documents */
    createCollection(name: string): boolean {
      const held = (holding.get(name)?.n ?? 0) > 0
      return insert.run(name, new Date().toISOString()).changes > 0 && !held
    },
    /** a commit into a collection records it, so it stays listed after its last document goes */
    noteCollection(name: string): void {
      insert.run(name, new Date().toISOString())
    },
    /**
     * Run inside the caller's transaction: the collection's record goes, and its documents (each by
     * `remove`) only when forced — else `collection_not_empty` and the transaction rolls back. Resolves the
     * removed keys, or undefined when there was no such collection.
     */
    drop(name: string, force: boolean, remove: (key: string) => unknown): string[] | undefined {
      const keys = keysIn.all(name).map((r) => r.id)
      const listed = forget.run(name).changes > 0
      if (keys.length === 0) return listed ? [] : undefined
      if (!force) throw collectionNotEmpty(name, keys.length)
      for (const key of keys) remove(key)
      return keys
    },
  }
}
