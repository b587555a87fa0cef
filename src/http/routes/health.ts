import type { FastifyPluginAsync } from 'fastify'
import type { Corpus } from '../../core/corpus.js'
import type { IntegrityWatch } from '../../core/readiness/integrity-watch.js'
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

/**
 * Liveness never touches dependencies. Readiness: the store passed its integrity check and answers, with
 * embedding drift reported. Until the first check ends (see IntegrityWatch) /readyz answers 503
 * `starting`. Ready means /readyz answers 200.
 */
export const healthRoutes: FastifyPluginAsync<{
  corpus: Corpus
  integrity: IntegrityWatch
  embeddingModel?: string | undefined
  /** called once, after the first 200 from /readyz has been sent: work left out of start-up begins there */
  afterReady?: () => void
}> = async (app, { corpus, integrity, embeddingModel, afterReady }) => {
  // The check's worker reads the store file: closing waits for it, so the store (and its files) can go after.
  app.addHook('onClose', async () => integrity.idle())
  // No response schemas: a probe's small answer needs no serializer compiled first (which would load ajv
  // on the way to the server's first 200 from /readyz).
  if (afterReady !== undefined) {
    let pending = true
    app.addHook('onResponse', (req, reply, done) => {
      if (pending && reply.statusCode === 200 && req.routeOptions.url === '/readyz') {
        pending = false
        setImmediate(afterReady)
      }
      done()
    })
  }
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
