import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { buildDeps, closeDeps } from '../deps.js'
import { createOpenAIEmbeddings } from '../adapters/openai-embeddings.js'

const USAGE = 'ragtune store init [--json]   (creates what the configured store needs; safe to run again)'

/**
 * `ragtune store init`: makes the configured store ready before any server starts — the Pinecone index
 * (created with the embedding model's dimension, or sparse for BM25 only) and the schemas (SQLite or
 * PostgreSQL migrations). Idempotent: a one-shot service may run it before every `up`.
 */
export async function store(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(ctx, { json: { type: 'boolean' } }, USAGE)
  if (positionals[0] !== 'init' || positionals.length !== 1) throw new AppError('invalid_arguments', `usage: ${USAGE}`)
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  let index: { name: string; created: boolean; dimension: number | undefined } | undefined
  if (config.vectorStore.kind === 'pinecone') {
    const p = config.vectorStore.pinecone
    const m = config.models
    // The index's dimension is the model's: RAGTUNE_EMBEDDING_DIMENSIONS, else one probe embedding.
    const dimension =
      m.embeddingModel === undefined
        ? undefined
        : (m.embeddingDimensions ??
          (await createOpenAIEmbeddings({ model: m.embeddingModel, baseURL: m.baseURL, apiKey: m.apiKey, dimensions: undefined, timeoutMs: m.timeoutMs, maxRetries: m.maxRetries }).embedQuery('dimension probe')).length)
    const { ensurePineconeIndex } = await import('../adapters/pinecone/pinecone-init.js')
    const r = await ensurePineconeIndex({ apiKey: p.apiKey ?? '', index: p.index ?? '', controllerHostUrl: p.controllerHostUrl, dimension, logger })
    index = { name: p.index ?? '', ...r }
  }
  // Opening the store runs its migrations (SQLite file, or PostgreSQL with DATABASE_URL).
  const deps = await buildDeps(config, logger)
  await closeDeps(deps)
  const result = {
    store: deps.corpus.kind,
    registry: config.databaseUrl === undefined ? 'sqlite' : 'postgres',
    ...(index === undefined ? {} : { index }),
  }
  if (values.json === true) writeJson(ctx.stdout, result)
  else {
    const what = index === undefined ? '' : `; Pinecone index ${index.name} ${index.created ? 'created' : 'already there'} (${index.dimension === undefined ? 'sparse' : `dimension ${index.dimension}`})`
    writeLine(ctx.stdout, `store ready: ${result.store}, registry in ${result.registry}${what}`)
  }
  return 0
}
