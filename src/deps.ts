import fs from 'node:fs'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { AppDeps } from './app.js'
import { createSqliteCorpus } from './adapters/sqlite/sqlite-corpus.js'

/**
 * Composition root: the only place that picks adapters from configuration. The server and every CLI
 * build their dependencies here, so an upload over HTTP and `ragtune ingest` run the same code.
 */
export async function buildDeps(config: Config, logger: Logger): Promise<AppDeps> {
  fs.mkdirSync(config.dataDir, { recursive: true })
  const corpus = createSqliteCorpus({ path: config.dbPath, logger })
  return { config, logger, corpus }
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.corpus.close()
}
