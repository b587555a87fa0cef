import Database from 'better-sqlite3'
import { ensurePrivateFile } from '../private-files.js'
import { storageFault } from '../../errors.js'

export type Db = Database.Database

/**
 * Opens the store file the way every module expects it: WAL so readers never block the single writer
 * (and several handles — the CLI and the server — can share the file), a busy timeout so a second writer
 * waits instead of failing, and foreign keys on.
 */
export function openDatabase(file: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): Db {
  try {
    if (file !== ':memory:' && !options.readonly) ensurePrivateFile(file)
    const db = new Database(file, { readonly: options.readonly ?? false })
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`)
    if (!options.readonly) db.pragma('journal_mode = WAL')
    // NORMAL is durable enough under WAL: a power cut may lose the last commit, never corrupt the file.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    return db
  } catch (err) {
    throw storageFault(err) ?? err
  }
}

export interface QuickCheckRow {
  readonly quick_check: string
}

/** `PRAGMA quick_check`: the problems found, none when the file is sound. */
export function quickCheck(db: Db): string[] {
  try {
    return quickCheckProblems(db.pragma('quick_check') as QuickCheckRow[])
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)]
  }
}

export function quickCheckProblems(rows: readonly QuickCheckRow[]): string[] {
  return rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
}

/**
 * Applies a module's schema steps in order, each once. `statements[i]` is version i+1 of `module`;
 * steps are append-only (never edit a shipped one). Several processes may open the same file at once,
 * so the check and the apply happen inside one IMMEDIATE transaction.
 */
export function applyMigrations(db: Db, module: string, statements: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (module, version)
  )`)
  const current = db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?')
  const record = db.prepare('INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)')
  const migrate = db.transaction(() => {
    const done = current.get(module)?.v ?? 0
    for (let i = done; i < statements.length; i++) {
      db.exec(statements[i] ?? '')
      record.run(module, i + 1, new Date().toISOString())
    }
  })
  migrate.immediate()
}
