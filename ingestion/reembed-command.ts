import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from '../src/cli/context.js'
import { buildDeps, closeDeps } from '../src/deps.js'
import { AppError } from '../src/errors.js'
import { reembed as reembedCorpus, type ReembedEvent } from '../src/core/ingest/reembed.js'
import { createProgressBar } from './progress-bar.js'

const USAGE = 'ragtune reembed [--doc-id ID]... [--json]   (vectors from RAGTUNE_EMBEDDING_MODEL, no new versions)'

/**
 * `ragtune reembed`: gives stored documents vectors from the configured embedding model in place (no new
 * document versions). On a TTY a progress bar; with --json or without a TTY one JSON line per document and
 * a summary. Run it again after an interruption: documents already done are skipped.
 */
export async function reembed(ctx: CliContext): Promise<number> {
  const { values } = parseCliArgs(ctx, { 'doc-id': { type: 'string', multiple: true }, json: { type: 'boolean' } }, USAGE)
  const json = values.json === true || ctx.stdout.isTTY !== true
  const ids = Array.isArray(values['doc-id']) ? values['doc-id'].filter((v): v is string => typeof v === 'string') : undefined
  const config = cliConfig(ctx)
  if (config.models.embeddingModel === undefined) {
    throw new AppError(
      'invalid_arguments',
      `set RAGTUNE_EMBEDDING_MODEL (and OPENAI_BASE_URL/OPENAI_API_KEY) to the model to embed with\nusage: ${USAGE}`,
    )
  }
  const deps = await buildDeps(config, cliLogger(ctx, config))
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  try {
    const embedder = deps.embedder
    if (embedder === undefined) throw new AppError('internal', 'no embedding model was built', { status: 500 })
    const total = ids?.length ?? (await deps.corpus.listDocuments()).length
    const bar = json ? undefined : createProgressBar(ctx.stdout, total)
    let chunksSoFar = 0
    const started = performance.now()
    const onEvent = (e: ReembedEvent): void => {
      chunksSoFar += e.chunks
      if (bar === undefined) writeJson(ctx.stdout, e)
      else {
        bar.log(
          `${e.status === 'replaced' ? '✓' : '-'} ${e.documentId} v${e.version}: ${e.status === 'replaced' ? `${e.chunks} chunks embedded` : e.status === 'current' ? 'already this model' : 're-ingested meanwhile, skipped'}`,
        )
        bar.fileDone(e.documentId, chunksSoFar)
      }
    }
    const events = await reembedCorpus(
      { corpus: deps.corpus, embedder, logger: deps.logger },
      { ...(ids === undefined ? {} : { documentIds: ids }), signal: controller.signal, onEvent },
    )
    const count = (s: ReembedEvent['status']): number => events.filter((e) => e.status === s).length
    const summary = {
      model: embedder.id,
      documents: events.length,
      replaced: count('replaced'),
      current: count('current'),
      moved: count('moved'),
      seconds: Math.round(performance.now() - started) / 1000,
    }
    if (bar === undefined) writeJson(ctx.stdout, { summary })
    else {
      bar.end()
      writeLine(
        ctx.stdout,
        `${summary.documents} documents: ${summary.replaced} re-embedded, ${summary.current} already ${summary.model}, ${summary.moved} skipped in ${summary.seconds.toFixed(1)} s`,
      )
    }
    return 0
  } finally {
    process.removeListener('SIGINT', onSignal)
    await closeDeps(deps)
  }
}
