import type { FastifyPluginAsync } from 'fastify'
import type { Corpus } from '../../core/corpus.js'
import { staleEmbeddings } from '../../core/ingest/reembed.js'
import { AppError } from '../../errors.js'

interface Ready {
  readonly status: 'ready'
  readonly store: string
  readonly documents: number
  /**
   * With RAGTUNE_EMBEDDING_MODEL set: documents whose vectors are another model's (or none), which dense
   * retrieval skips until `ragtune reembed` gives them this model's.
   */
  readonly embeddings?: {
    readonly model: string
    readonly current: number
    readonly stale: number
    readonly staleDocuments: readonly string[]
    readonly hint?: string
  }
}

/** A store's integrity check result is reused this long; a failing one is checked again on every probe. */
const INTEGRITY_MAX_AGE_MS = 600_000

/**
 * Liveness never touches dependencies. Readiness: the store passed its integrity check and answers, with
 * embedding drift reported. The first check starts with the app (off the main thread, see the store's
 * checkIntegrity), so it runs while the server finishes starting; until it ends /readyz answers 503
 * `starting`. Ready means /readyz answers 200.
 */
export const healthRoutes: FastifyPluginAsync<{ corpus: Corpus; embeddingModel?: string | undefined }> = async (
  app,
  { corpus, embeddingModel },
) => {
  const integrity = integrityWatch(corpus)
  // The check's worker reads the store file: closing waits for it, so the store (and its files) can go after.
  app.addHook('onClose', async () => integrity.idle())
  // No response schemas: a probe's small answer needs no serializer compiled first (which would load ajv
  // on the way to the server's first 200 from /readyz).
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true } }, async (): Promise<Ready> => {
    const problems = integrity.problems()
    if (problems === undefined) {
      throw new AppError('starting', 'the server is starting: the store integrity check is still running; ask again shortly', {
        status: 503,
        retryAfter: 1,
      })
    }
    if (problems.length > 0) {
      throw new AppError(
        'store_corrupt',
        `the store fails its integrity check (${problems.length} problem(s)); run "ragtune store check", then "ragtune store repair"`,
        { status: 503 },
      )
    }
    const docs = await corpus.listDocuments()
    const ready: Ready = { status: 'ready', store: corpus.kind, documents: docs.length }
    if (embeddingModel === undefined) return ready
    const stale = staleEmbeddings(docs, embeddingModel)
    return {
      ...ready,
      embeddings: {
        model: embeddingModel,
        current: docs.length - stale.length,
        stale: stale.length,
        staleDocuments: stale.slice(0, 20).map((d) => d.id),
        ...(stale.length === 0
          ? {}
          : { hint: 'dense retrieval skips these documents until `ragtune reembed` gives them vectors from this model' }),
      },
    }
  })
}

/**
 * The last integrity check's problems (undefined until the first ends). A result older than
 * INTEGRITY_MAX_AGE_MS, or one that found problems (so a repaired store comes back), starts a new check
 * in the background and is answered meanwhile.
 */
function integrityWatch(corpus: Corpus): { problems(): readonly string[] | undefined; idle(): Promise<void> } {
  const check = corpus.checkIntegrity?.bind(corpus)
  if (check === undefined) return { problems: () => [], idle: async () => {} }
  let last: { at: number; problems: readonly string[] } | undefined
  let running: Promise<void> | undefined
  const run = (): void => {
    running ??= check()
      .catch((err: unknown) => [err instanceof Error ? err.message : String(err)])
      .then((problems) => {
        last = { at: performance.now(), problems }
        running = undefined
      })
  }
  run()
  return {
    problems() {
      if (last !== undefined && (last.problems.length > 0 || performance.now() - last.at > INTEGRITY_MAX_AGE_MS)) run()
      return last?.problems
    },
    idle: async () => running,
  }
}
