import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import { ensurePrivateDir, warnIfShared } from '../adapters/private-files.js'
import { createPageImages } from '../adapters/pdf/page-images.js'
import type { AppDeps } from './app-deps.js'
import { openCorpus } from './corpus.js'
import { pageCacheDir } from './paths.js'
import { openStore } from './stores.js'

/**
 * The documents alone — the corpus, the originals and their page images — for the commands that list,
 * show or delete documents and collections: no job recovery, models, parser or answer pipeline to build
 * or load. Closed with closeDeps.
 */
export async function openDocumentStore(config: Config, logger: Logger): Promise<AppDeps> {
  warnIfShared([config.dataDir, config.dbPath], logger)
  ensurePrivateDir(config.dataDir)
  const corpus = await openCorpus(config, logger)
  const originals = await openStore(config, 'originals').catch(async (err: unknown) => {
    await corpus.close()
    throw err
  })
  return { config, logger, corpus, originals, pageImages: createPageImages({ originals, cacheDir: pageCacheDir(config.dataDir) }) }
}
