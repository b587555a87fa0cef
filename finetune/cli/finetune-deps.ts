import { cliConfig, cliLogger, type CliContext } from '../../src/cli/context.js'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/logger.js'
import type { ModelRegistry } from '../../src/core/model-registry.js'
import type { FineTuneJobStore } from '../../src/core/finetune.js'
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { createSqliteFineTuneJobStore } from '../../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { createOpenAIFineTuneProvider } from '../providers/openai-finetune-provider.js'
import { createFineTuneRunner, type FineTuneRunner } from '../finetune-service.js'

export interface FineTuneCliDeps {
  readonly config: Config
  readonly logger: Logger
  readonly db: Db
  readonly registry: ModelRegistry
  readonly jobs: FineTuneJobStore
  /** the provider is built on first use: `models list` needs no API key */
  runner(): FineTuneRunner
  close(): void
}

/** One store handle for a CLI command; every fine-tuning command opens and closes it the same way. */
export function openFineTuneDeps(ctx: CliContext): FineTuneCliDeps {
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const db = openDatabase(config.dbPath)
  const registry = createSqliteModelRegistry({ db })
  const jobs = createSqliteFineTuneJobStore({ db })
  let runner: FineTuneRunner | undefined
  return {
    config,
    logger,
    db,
    registry,
    jobs,
    runner() {
      runner ??= createFineTuneRunner({
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
export async function withFineTuneDeps<T>(ctx: CliContext, fn: (deps: FineTuneCliDeps) => Promise<T>): Promise<T> {
  const deps = openFineTuneDeps(ctx)
  try {
    return await fn(deps)
  } finally {
    deps.close()
  }
}
