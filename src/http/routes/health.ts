import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { Corpus } from '../../core/corpus.js'
import { AppError } from '../../errors.js'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({ status: Type.String(), store: Type.String(), documents: Type.Integer() })

/** Liveness never touches dependencies; readiness proves the store answers. */
export const healthRoutes: FastifyPluginAsync<{ corpus: Corpus }> = async (app, { corpus }) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true, response: { 200: Ready } } }, async () => {
    const problems = (await corpus.checkIntegrity?.()) ?? []
    if (problems.length > 0) {
      throw new AppError('store_corrupt', `the store fails its integrity check (${problems.length} problem(s)); run "ragtune store check", then "ragtune store repair"`, { status: 503 })
    }
    const docs = await corpus.listDocuments()
    return { status: 'ready', store: corpus.kind, documents: docs.length }
  })
}
