import { cliConfig, cliLogger, type CliContext } from '../../src/cli/context.js'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/logger.js'
import type { ModelRegistry } from '../../src/core/model-registry.js'
import type { FineTuneJobStore } from '../../src/core/finetune.js'
import { closeStores, openStores } from '../../src/composition/stores.js'
import type { FineTuneRunner } from '../finetune-service.js'
import { createComposedRunner } from '../finetune-composition.js'

export interface FineTuneCliDeps {
  readonly config: Config
  readonly logger: Logger
  readonly registry: ModelRegistry
  readonly jobs: FineTuneJobStore
  /**
   * the provider is built on first use: `models list` needs no API key. The runner checks datasets before
   * upload, as POST /v1/finetunes does, unless the operator passed --skip-validation.
   */
  runner(options?: { skipDatasetChecks?: boolean }): FineTuneRunner
  close(): Promise<void>
}

/**
 * The stores of a CLI command, opened by the composition root (PostgreSQL with DATABASE_URL, else the
 * SQLite file), so `models activate` on any machine changes what every replica answers with.
 */
export async function openFineTuneDeps(ctx: CliContext): Promise<FineTuneCliDeps> {
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const stores = await openStores(config)
  return {
    config,
    logger,
    registry: stores.registry,
    jobs: stores.fineTuneJobs,
    runner: (options = {}) =>
      createComposedRunner({ config, logger, registry: stores.registry, fineTuneJobs: stores.fineTuneJobs }, options),
    close: () => closeStores(stores),
  }
}

/** Runs `fn` with the deps and always closes the stores, whatever `fn` throws. */
export async function withFineTuneDeps<T>(ctx: CliContext, fn: (deps: FineTuneCliDeps) => Promise<T>): Promise<T> {
  const deps = await openFineTuneDeps(ctx)
  try {
    return await fn(deps)
  } finally {
    await deps.close()
  }
}
