import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { cliConfig, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { quickCheck } from '../adapters/sqlite/database.js'
import { PRIVATE_FILE_MODE, ensurePrivateDir } from '../adapters/private-files.js'

const USAGE = 'ragtune store check [--json] | store repair [--json]'

/**
 * `ragtune store check`: SQLite's quick_check of the store (exit 1 when it finds problems).
 * `ragtune store repair`: copies the store (and its -wal/-shm) to <data dir>/backups/ first, then
 * rebuilds what can be rebuilt from the tables (indexes, full-text indexes) and checks again. Damage in
 * the tables themselves cannot be rebuilt: restore a backup or re-ingest (see docs/storage-faults.md).
 * Run it with the server stopped.
 */
export async function store(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(ctx, { json: { type: 'boolean' } }, USAGE)
  const json = values.json === true
  const [action] = positionals
  if (action !== 'check' && action !== 'repair') throw new AppError('invalid_arguments', `usage: ${USAGE}`)
  const { dbPath, dataDir } = cliConfig(ctx)
  if (!fs.existsSync(dbPath)) throw new AppError('not_found', `no store at ${dbPath}; set RAGTUNE_DATA_DIR or --data-dir`, { status: 404 })
  const backup = action === 'repair' ? backupStore(dbPath, path.join(dataDir, 'backups')) : undefined
  const problems = action === 'repair' ? repairStore(dbPath) : checkStore(dbPath)
  if (json) writeJson(ctx.stdout, { store: dbPath, ok: problems.length === 0, problems, ...(backup === undefined ? {} : { backup }) })
  else {
    if (backup !== undefined) writeLine(ctx.stderr, `backed up to ${backup}`)
    writeLine(ctx.stdout, problems.length === 0 ? `ok: ${dbPath} passes its integrity check` : `damaged: ${dbPath}\n${problems.slice(0, 20).join('\n')}`)
    if (problems.length > 0) {
      writeLine(
        ctx.stderr,
        action === 'check'
          ? 'run "ragtune store repair" (it backs the store up first)'
          : 'the tables themselves are damaged: restore a backup of the data dir, or move the store aside and re-ingest the documents',
      )
    }
  }
  return problems.length === 0 ? 0 : 1
}

function checkStore(file: string): string[] {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { fileMustExist: true })
    return quickCheck(db)
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)]
  } finally {
    db?.close()
  }
}

/** Copies the store file and its WAL side files as they are (a damaged file may not back up through SQLite). */
function backupStore(file: string, dir: string): string {
  ensurePrivateDir(dir)
  const target = path.join(dir, `${path.basename(file, '.db')}-${new Date().toISOString().replace(/[:.]/g, '-')}.db`)
  for (const side of ['', '-wal', '-shm']) {
    if (!fs.existsSync(file + side)) continue
    fs.copyFileSync(file + side, target + side)
    fs.chmodSync(target + side, PRIVATE_FILE_MODE)
  }
  return target
}

function repairStore(file: string): string[] {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { fileMustExist: true })
    const steps = [
      () => db?.exec('REINDEX'),
      () => {
        const fts = db?.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'").all() ?? []
        for (const { name } of fts) db?.prepare(`INSERT INTO "${name}"("${name}") VALUES ('rebuild')`).run()
      },
      () => db?.pragma('wal_checkpoint(TRUNCATE)'),
    ]
    // each step on its own: one that fails on damage must not stop the others
    for (const step of steps) {
      try {
        step()
      } catch {
        /* the check below reports what is left */
      }
    }
    return quickCheck(db)
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)]
  } finally {
    db?.close()
  }
}
