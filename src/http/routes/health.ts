import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { Corpus } from '../../core/corpus.js'
import { staleEmbeddings } from '../../core/ingest/reembed.js'
import { AppError } from '../../errors.js'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({
  status: Type.String(),
  store: Type.String(),
  documents: Type.Integer(),
  // With RAGTUNE_EMBEDDING_MODEL set: documents whose vectors are another model's (or none), which dense
  // retrieval skips until `ragtune reembed` gives them this model's.
  embeddings: Type.Optional(
    Type.Object({
      model: Type.String(),
      current: Type.Integer(),
      stale: Type.Integer(),
      staleDocuments: Type.Array(Type.String()),
      hint: Type.Optional(Type.String()),
    }),
  ),
})

/** Liveness never touches dependencies; readiness proves the store answers and reports embedding drift. */
export const healthRoutes: FastifyPluginAsync<{ corpus: Corpus; embeddingModel?: string | undefined }> = async (
  app,
  { corpus, embeddingModel },
) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true, response: { 200: Ready } } }, async () => {
    const problems = (await corpus.checkIntegrity?.()) ?? []
    if (problems.length > 0) {
      throw new AppError(
        'store_corrupt',
        `the store fails its integrity check (${problems.length} problem(s)); run "ragtune store check", then "ragtune store repair"`,
        { status: 503 },
      )
    }
    const docs = await corpus.listDocuments()
    const ready = { status: 'ready', store: corpus.kind, documents: docs.length }
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
