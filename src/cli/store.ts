import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { buildDeps, closeDeps } from '../deps.js'
import { openEmbeddings } from '../composition/models.js'
import { quickCheck } from '../adapters/sqlite/database.js'
import { PRIVATE_FILE_MODE, ensurePrivateDir } from '../adapters/private-files.js'

const USAGE = 'ragtune store init [--json] | store check [--json] | store repair [--json]'

/** `ragtune store init|check|repair`. */
export async function store(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(ctx, { json: { type: 'boolean' } }, USAGE)
  const [action] = positionals
  if (positionals.length !== 1 || (action !== 'init' && action !== 'check' && action !== 'repair'))
    throw new AppError('invalid_arguments', `usage: ${USAGE}`)
  return action === 'init' ? storeInit(ctx, values.json === true) : storeCheck(ctx, action, values.json === true)
}

/**
 * `ragtune store init`: makes the configured store ready before any server starts — the Pinecone index
 * (created with the embedding model's dimension, or sparse for BM25 only) and the schemas (SQLite or
 * PostgreSQL migrations). Idempotent: a one-shot service may run it before every `up`.
 */
async function storeInit(ctx: CliContext, json: boolean): Promise<number> {
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  let index: { name: string; created: boolean; dimension: number | undefined } | undefined
  if (config.vectorStore.kind === 'pinecone') {
    const p = config.vectorStore.pinecone
    const m = config.models
    // The index's dimension is the model's: RAGTUNE_EMBEDDING_DIMENSIONS, else one probe embedding.
    const dimension =
      m.embeddingModel === undefined
        ? undefined
        : (m.embeddingDimensions ??
          (
            await openEmbeddings({
              model: m.embeddingModel,
              baseURL: m.baseURL,
              apiKey: m.apiKey,
              dimensions: undefined,
              timeoutMs: m.timeoutMs,
              maxRetries: m.maxRetries,
            }).embedQuery('dimension probe')
          ).length)
    const { ensurePineconeIndex } = await import('../adapters/pinecone/pinecone-init.js')
    const r = await ensurePineconeIndex({
      apiKey: p.apiKey ?? '',
      index: p.index ?? '',
      controllerHostUrl: p.controllerHostUrl,
      dimension,
      logger,
    })
    index = { name: p.index ?? '', ...r }
  }
  // Opening the store runs its migrations (SQLite file, or PostgreSQL with DATABASE_URL).
  const deps = await buildDeps(config, logger)
  await closeDeps(deps)
  const result = {
    store: deps.corpus.kind,
    registry: config.databaseUrl === undefined ? 'sqlite' : 'postgres',
    ...(index === undefined ? {} : { index }),
  }
  if (json) writeJson(ctx.stdout, result)
  else {
    const what =
      index === undefined
        ? ''
        : `; Pinecone index ${index.name} ${index.created ? 'created' : 'already there'} (${index.dimension === undefined ? 'sparse' : `dimension ${index.dimension}`})`
    writeLine(ctx.stdout, `store ready: ${result.store}, registry in ${result.registry}${what}`)
  }
  return 0
}

/**
 * `ragtune store check`: SQLite's quick_check of the store (exit 1 when it finds problems).
 * `ragtune store repair`: copies the store (and its -wal/-shm) to <data dir>/backups/ first, then
 * rebuilds what can be rebuilt from the tables (indexes, full-text indexes) and checks again. Damage in
 * the tables themselves cannot be rebuilt: restore a backup or re-ingest (see docs/storage-faults.md).
 * Run it with the server stopped.
 */
function storeCheck(ctx: CliContext, action: 'check' | 'repair', json: boolean): number {
  const { dbPath, dataDir } = cliConfig(ctx)
  if (!fs.existsSync(dbPath)) throw new AppError('not_found', `no store at ${dbPath}; set RAGTUNE_DATA_DIR or --data-dir`, { status: 404 })
  const backup = action === 'repair' ? backupStore(dbPath, path.join(dataDir, 'backups')) : undefined
  const problems = action === 'repair' ? repairStore(dbPath) : checkStore(dbPath)
  if (json) writeJson(ctx.stdout, { store: dbPath, ok: problems.length === 0, problems, ...(backup === undefined ? {} : { backup }) })
  else {
    if (backup !== undefined) writeLine(ctx.stderr, `backed up to ${backup}`)
    writeLine(
      ctx.stdout,
      problems.length === 0 ? `ok: ${dbPath} passes its integrity check` : `damaged: ${dbPath}\n${problems.slice(0, 20).join('\n')}`,
    )
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
        const fts =
          db?.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'").all() ?? []
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
