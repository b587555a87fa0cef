import { cliConfig, parseCliArgs, writeJson, writeLine, type CliContext } from '../src/cli/context.js'
import { createLogger } from '../src/logger.js'
import { buildDeps, closeDeps } from '../src/deps.js'
import { AppError } from '../src/errors.js'
import { runWorker } from './worker.js'

const USAGE = 'ragtune worker [--once] [--concurrency N] [--json]'

/**
 * `ragtune worker`: runs queued ingestion jobs (uploads made with RAGTUNE_INGEST_MODE=queue) until SIGTERM
 * or SIGINT, or with --once until the queue is empty. A stop interrupts the job in progress and gives it
 * back to the queue. Exit 0 unless a job failed during a --once run.
 */
export async function worker(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(
    ctx,
    { once: { type: 'boolean' }, concurrency: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  )
  if (positionals.length > 0) throw new AppError('invalid_arguments', `worker takes no paths (it runs queued jobs)\nusage: ${USAGE}`)
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new AppError('invalid_arguments', `--concurrency must be a whole number from 1 to 32\nusage: ${USAGE}`)
  }
  const json = values.json === true
  const config = cliConfig(ctx)
  // A long-running service: log at the configured level (default info), unlike one-shot commands.
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty })
  const deps = await buildDeps(config, logger)
  if (deps.jobs === undefined || deps.ingest === undefined)
    throw new AppError('internal', 'the ingest pipeline is not configured', { status: 500 })
  const stop = new AbortController()
  const onSignal = (sig: string) => (): void => {
    logger.info({ signal: sig }, 'stopping: the job in progress goes back to the queue')
    stop.abort(new Error(sig))
  }
  const onTerm = onSignal('SIGTERM')
  const onInt = onSignal('SIGINT')
  process.once('SIGTERM', onTerm)
  process.once('SIGINT', onInt)
  try {
    const counts = await runWorker({
      jobs: deps.jobs,
      ingest: deps.ingest,
      logger,
      concurrency,
      once: values.once === true,
      signal: stop.signal,
      onJob: (r) =>
        json ? writeJson(ctx.stdout, r) : writeLine(ctx.stdout, `${r.jobId} ${r.outcome} (${r.files} files, ${r.failed} failed)`),
    })
    if (json) writeJson(ctx.stdout, { summary: counts })
    return values.once === true && counts.failed > 0 ? 1 : 0
  } finally {
    process.off('SIGTERM', onTerm)
    process.off('SIGINT', onInt)
    await closeDeps(deps)
  }
}
