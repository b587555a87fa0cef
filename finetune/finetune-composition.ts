import type { Config } from '../src/config.js'
import type { Logger } from '../src/logger.js'
import type { FineTuneProvider } from '../src/core/finetune.js'
import { openDatabase } from '../src/adapters/sqlite/database.js'
import { createSqliteModelRegistry } from '../src/adapters/sqlite/sqlite-model-registry.js'
import { createSqliteFineTuneJobStore } from '../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { createOpenAIFineTuneProvider } from './providers/openai-finetune-provider.js'
import { checkDataset } from './providers/check-dataset.js'
import { createFinetuneRunner, type FinetuneRunner } from './finetune-service.js'

/**
 * The fine-tuning service for the server (bin/serve.ts), on its own store handle. The provider is built
 * on first use, so a server without OPENAI_API_KEY still starts and answers fine-tune calls with
 * `finetune_not_configured` instead of refusing to boot.
 */
export function openFinetuneService(config: Config, logger: Logger): { service: FinetuneRunner; close(): void } {
  const db = openDatabase(config.dbPath)
  let provider: FineTuneProvider | undefined
  const get = (): FineTuneProvider => (provider ??= createOpenAIFineTuneProvider({ ...config.models, logger }))
  const lazy: FineTuneProvider = {
    name: 'openai',
    start: (spec, signal) => get().start(spec, signal),
    get: (id, signal) => get().get(id, signal),
    events: (id, after, signal) => get().events(id, after, signal),
    cancel: (id, signal) => get().cancel(id, signal),
  }
  const service = createFinetuneRunner({
    provider: lazy,
    jobs: createSqliteFineTuneJobStore({ db }),
    registry: createSqliteModelRegistry({ db }),
    logger,
    checkDataset,
  })
  return { service, close: () => db.close() }
}
