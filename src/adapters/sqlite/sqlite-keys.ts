import { applyMigrations, openDatabase } from './database.js'
import { createChangeWatch } from './change-watch.js'
import { collectionsColumn, generateKey, hashMatches, keyId, parseCollectionsColumn, type KeyStore } from '../../core/keys.js'
import { keyInfoFromRow, type KeyRow } from '../key-row.js'

/** API keys in the store file, hashed (see src/core/keys.ts). */
const keyMigrations: readonly string[] = [
  `CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('query', 'admin')),
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  )`,
  // keys limited to some collections; NULL: all (every key made before collections existed)
  'ALTER TABLE api_keys ADD COLUMN collections TEXT',
]

/**
 * Opens its own handle on the store file (WAL lets it share the file with the corpus).
 *
 * `verify` reads the key's row every time, so a revoked key stops working at once. Whether any key is
 * active — asked on every request without a key, to decide open mode — is read again only after a key
 * was created or revoked in this process, or once `checkMs` (default 50) have passed: a key created by
 * another process (`ragtune keys create` while the server runs) closes open mode within that bound.
 */
export function createSqliteKeyStore(options: { path: string; checkMs?: number }): KeyStore {
  const db = openDatabase(options.path)
  applyMigrations(db, 'keys', keyMigrations)
  const insert = db.prepare('INSERT INTO api_keys (id, name, scope, hash, created_at, collections) VALUES (?, ?, ?, ?, ?, ?)')
  const byId = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ? AND revoked_at IS NULL')
  const all = db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
  const anyActive = db.prepare<[], { one: number }>('SELECT 1 AS one FROM api_keys WHERE revoked_at IS NULL LIMIT 1')
  const watch = createChangeWatch(options.path, options.checkMs ?? 50)
  let active = false

  return {
    async create({ scope, name, collections }) {
      const { id, key, hash } = generateKey()
      const createdAt = new Date().toISOString()
      const stored = collectionsColumn(collections)
      try {
        insert.run(id, name ?? null, scope, hash, createdAt, stored)
      } finally {
        watch.wrote()
      }
      return { key, info: { id, name: name ?? null, scope, collections: parseCollectionsColumn(stored), createdAt, revokedAt: null } }
    },
    async verify(key) {
      const id = keyId(key)
      if (id === undefined) return undefined
      const row = byId.get(id)
      return row !== undefined && hashMatches(key, row.hash) ? keyInfoFromRow(row) : undefined
    },
    async list() {
      return all.all().map(keyInfoFromRow)
    },
    async revoke(id) {
      try {
        return revoke.run(new Date().toISOString(), id).changes > 0
      } finally {
        watch.wrote()
      }
    },
    async hasActiveKeys() {
      if (watch.due()) active = anyActive.get() !== undefined
      return active
    },
    async close() {
      if (db.open) db.close()
    },
  }
}
