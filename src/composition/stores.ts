import fs from 'node:fs'
import type { Config } from '../config.js'
import type { FineTuneJobStore } from '../core/finetune.js'
import type { JobStore } from '../core/jobs.js'
import type { KeyStore } from '../core/keys.js'
import type { ModelRegistry } from '../core/model-registry.js'
import { createSqliteFineTuneJobStore } from '../adapters/sqlite/sqlite-finetune-jobs.js'
import { createSqliteJobStore } from '../adapters/sqlite/sqlite-jobs.js'
import { createSqliteKeyStore } from '../adapters/sqlite/sqlite-keys.js'
import { createSqliteModelRegistry } from '../adapters/sqlite/sqlite-model-registry.js'
import { createFileOriginalStore } from '../adapters/sqlite/file-originals.js'
import type { OriginalStore } from '../core/originals.js'
import { originalsDir, pageCacheDir } from './paths.js'
import { storageFault } from '../errors.js'

/** The state every replica must agree on: ingestion jobs, API keys, the model/voice registry, fine-tune jobs. */
export interface Stores {
  readonly jobs: JobStore
  readonly keys: KeyStore
  readonly registry: ModelRegistry
  readonly fineTuneJobs: FineTuneJobStore
  /** originals beside their versions: in PostgreSQL with DATABASE_URL, else files in the data dir */
  readonly originals: OriginalStore
}

/**
 * The one choice of where shared state lives: PostgreSQL when DATABASE_URL is set (pg loaded only then),
 * else the local SQLite file. The server, every CLI command, the worker and fine-tuning open their stores
 * here, so a voice activated or a key revoked through one of them is what all the others read.
 */
export async function openStores(config: Config): Promise<Stores> {
  if (config.databaseUrl !== undefined) {
    const pg = await (
      await import('../adapters/postgres/pg-stores.js')
    ).openPgStores(config.databaseUrl, { pageCacheDir: pageCacheDir(config.dataDir) })
    return { jobs: pg.jobs, keys: pg.keys, registry: pg.models, fineTuneJobs: pg.fineTuneJobs, originals: pg.originals }
  }
  fs.mkdirSync(config.dataDir, { recursive: true })
  // Each store reads its tables as it opens (migrations, prepared statements): a damaged file fails here,
  // as the same storage fault a request would get, and what was already open is closed again.
  const opened: { close(): Promise<void> }[] = []
  const open = <T extends { close(): Promise<void> }>(store: () => T): T => {
    const s = store()
    opened.push(s)
    return s
  }
  const sqlite = sqliteStores(config)
  try {
    return {
      jobs: open(sqlite.jobs),
      keys: open(sqlite.keys),
      registry: open(sqlite.registry),
      fineTuneJobs: open(sqlite.fineTuneJobs),
      originals: open(sqlite.originals),
    }
  } catch (err) {
    await Promise.allSettled(opened.map((s) => s.close()))
    throw storageFault(err) ?? err
  }
}

/** How each store opens on the local SQLite file. */
function sqliteStores(config: Config): { readonly [K in keyof Stores]: () => Stores[K] } {
  return {
    jobs: () => createSqliteJobStore({ path: config.dbPath }),
    keys: () => createSqliteKeyStore({ path: config.dbPath }),
    registry: () => createSqliteModelRegistry({ path: config.dbPath }),
    fineTuneJobs: () => createSqliteFineTuneJobStore({ path: config.dbPath }),
    originals: () => createFileOriginalStore({ dbPath: config.dbPath, dir: originalsDir(config.dataDir) }),
  }
}

/**
 * One store alone, for the commands that need only it (`ragtune keys`, `documents`): on SQLite only its
 * own tables are opened; on PostgreSQL the stores share one pool, so all open and the others close again.
 */
export async function openStore<K extends keyof Stores>(config: Config, name: K): Promise<Stores[K]> {
  if (config.databaseUrl === undefined) {
    fs.mkdirSync(config.dataDir, { recursive: true })
    try {
      return sqliteStores(config)[name]()
    } catch (err) {
      throw storageFault(err) ?? err
    }
  }
  const stores = await openStores(config)
  const kept = stores[name]
  await closeStores({ ...stores, [name]: { ...kept, close: async () => {} } })
  return kept
}

export async function closeStores(stores: Stores): Promise<void> {
  await Promise.all([
    stores.jobs.close(),
    stores.keys.close(),
    stores.registry.close(),
    stores.fineTuneJobs.close(),
    stores.originals.close(),
  ])
}
