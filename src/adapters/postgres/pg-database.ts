import pg from 'pg'

export type PgPool = pg.Pool
export type PgClient = pg.PoolClient

/**
 * Opens the pool every PostgreSQL store shares. `schema` (tests: one per run) becomes the search path of
 * every connection, so table names in the stores stay unqualified. BIGINT and NUMERIC come back as
 * strings from `pg`; the stores convert the few they read.
 */
export async function openPgPool(options: { url: string; schema?: string; max?: number }): Promise<PgPool> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(options.schema)}: use lower-case letters, digits and _`)
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  })
  // An idle client's network error is emitted on the pool; without a listener it would crash the process.
  pool.on('error', () => {})
  if (options.schema !== undefined) {
    const schema = options.schema
    // IF NOT EXISTS still races between replicas (unique violation on pg_namespace): serialise it.
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    })
  }
  return pool
}

/** Runs `fn` in one transaction on one connection; rolls back and rethrows on any error. */
export async function inTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.release()
  }
}

// One fixed advisory-lock key for every migration run: replicas starting together queue on it.
const MIGRATION_LOCK = 0x72616774 // "ragt"

/**
 * Applies a module's schema steps in order, each once, from any number of replicas at once: the check
 * and the apply run in one transaction holding a transaction-scoped advisory lock, so a second replica
 * waits, then finds the steps recorded and applies nothing. `steps[i]` is version i+1; steps are
 * append-only (never edit a shipped one).
 */
export async function migratePg(pool: PgPool, module: string, steps: readonly string[]): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      module TEXT NOT NULL,
      version INTEGER NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (module, version)
    )`)
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations WHERE module = $1', [module])
    const done = rows[0]?.v ?? 0
    for (let i = done; i < steps.length; i++) {
      await client.query(steps[i] ?? '')
      await client.query('INSERT INTO schema_migrations (module, version) VALUES ($1, $2)', [module, i + 1])
    }
    return steps.length - done
  })
}
