import { cliConfig, parseCliArgs, type CliContext } from '../src/cli/context.js'
import { createLogger } from '../src/logger.js'
import { buildDeps, closeDeps } from '../src/deps.js'
import { AppError } from '../src/errors.js'
import { staleEmbeddings } from '../src/core/ingest/reembed.js'
import { watchIntegrity } from '../src/core/readiness/integrity-watch.js'

/** `ragtune serve [--port N] [--host H]` */
export async function serve(ctx: CliContext): Promise<number> {
  const { values } = parseCliArgs(ctx, { port: { type: 'string' }, host: { type: 'string' } }, 'ragtune serve [--port N] [--host H]')
  const env = { ...ctx.env }
  if (typeof values.port === 'string') {
    if (!/^\d+$/.test(values.port)) throw new AppError('invalid_arguments', `--port must be a number, got "${values.port}"`)
    env.PORT = values.port
  }
  if (typeof values.host === 'string') env.HOST = values.host
  const config = cliConfig({ ...ctx, env })
  const logger = createLogger({ level: config.log.level, to: 'stdout', pretty: config.log.pretty })
  const deps = await buildDeps(config, logger)
  // The store's integrity check (a worker thread) starts now and runs while the HTTP stack loads: ready
  // (/readyz 200) is then about when listening, not the check's time after it.
  const integrity = watchIntegrity(deps.corpus)
  const { describeListen, startServer } = await import('../src/server.js')
  const stale = staleEmbeddings(await deps.corpus.listDocuments(), deps.embedder?.id)
  if (stale.length > 0) {
    logger.warn(
      { embeddingModel: deps.embedder?.id, stale: stale.length, models: [...new Set(stale.map((d) => d.embeddingModel ?? 'none'))] },
      `${stale.length} documents have no vectors from RAGTUNE_EMBEDDING_MODEL: dense retrieval skips them until \`ragtune reembed\` (details in /readyz)`,
    )
  }
  // Fine-tuning lives in finetune/, which src/ never imports: this entry point composes it in.
  const { openFineTuneService } = await import('../finetune/finetune-composition.js')
  const finetune = openFineTuneService(deps)
  const app = await startServer(
    { ...deps, integrity, finetunes: finetune.service },
    {
      onClose: async () => {
        await finetune.close()
        await closeDeps(deps)
      },
    },
  )
  logger.info({ url: describeListen(app, config), store: deps.corpus.kind }, 'ragtune listening')
  // Keep the process alive until a signal closes the server.
  await new Promise<void>((resolve) => app.server.once('close', resolve))
  return 0
}
