import { cliConfig, cliLogger, type CliContext } from '../../src/cli/context.js'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/logger.js'
import type { ModelRegistry } from '../../src/core/model-registry.js'
import type { FineTuneJobStore } from '../../src/core/finetune.js'
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { createSqliteFineTuneJobStore } from '../../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { createOpenAIFineTuneProvider } from '../providers/openai-finetune-provider.js'
import { createFinetuneRunner, type FinetuneRunner } from '../finetune-service.js'

export interface FinetuneCliDeps {
  readonly config: Config
  readonly logger: Logger
  readonly db: Db
  readonly registry: ModelRegistry
  readonly jobs: FineTuneJobStore
  /** the provider is built on first use: `models list` needs no API key */
  runner(): FinetuneRunner
  close(): void
}

/** One store handle for a CLI command; every fine-tuning command opens and closes it the same way. */
export function openFinetuneDeps(ctx: CliContext): FinetuneCliDeps {
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const db = openDatabase(config.dbPath)
  const registry = createSqliteModelRegistry({ db })
  const jobs = createSqliteFineTuneJobStore({ db })
  let runner: FinetuneRunner | undefined
  return {
    config,
    logger,
    db,
    registry,
    jobs,
    runner() {
      runner ??= createFinetuneRunner({
        provider: createOpenAIFineTuneProvider({ ...config.models, logger }),
        jobs,
        registry,
        logger,
      })
      return runner
    },
    close: () => db.close(),
  }
}

/** Runs `fn` with the deps and always closes the store, whatever `fn` throws. */
export async function withFinetuneDeps<T>(ctx: CliContext, fn: (deps: FinetuneCliDeps) => Promise<T>): Promise<T> {
  const deps = openFinetuneDeps(ctx)
  try {
    return await fn(deps)
  } finally {
    deps.close()
  }
}
