import { collectionsColumn, generateKey, hashMatches, keyId, type KeyStore } from '../../core/keys.js'
import { keyInfoFromRow, type KeyRow } from '../key-row.js'
import { migratePg, type PgPool } from './pg-database.js'

const migrations: readonly string[] = [
  `CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('query', 'admin')),
    hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
  )`,
  // keys limited to some collections; NULL: all (every key made before collections existed)
  'ALTER TABLE api_keys ADD COLUMN collections TEXT',
]

/** API keys in PostgreSQL, hashed (see src/core/keys.ts), so every replica accepts and revokes the same keys. */
export async function createPgKeyStore(options: { pool: PgPool; onClose?: () => Promise<void> }): Promise<KeyStore> {
  const { pool } = options
  await migratePg(pool, 'keys', migrations)
  return {
    async create({ scope, name, collections }) {
      const { id, key, hash } = generateKey()
      const { rows } = await pool.query<KeyRow>(
        'INSERT INTO api_keys (id, name, scope, hash, collections) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [id, name ?? null, scope, hash, collectionsColumn(collections)],
      )
      return { key, info: keyInfoFromRow(rows[0]!) }
    },
    async verify(key) {
      const id = keyId(key)
      if (id === undefined) return undefined
      const { rows } = await pool.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [id])
      const row = rows[0]
      return row !== undefined && hashMatches(key, row.hash) ? keyInfoFromRow(row) : undefined
    },
    async list() {
      return (await pool.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).rows.map(keyInfoFromRow)
    },
    async revoke(id) {
      const r = await pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id])
      return (r.rowCount ?? 0) > 0
    },
    async hasActiveKeys() {
      return (await pool.query('SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1')).rows.length > 0
    },
    async close() {
      await options.onClose?.()
    },
  }
}
