import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { Corpus } from '../../core/corpus.js'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({ status: Type.String(), store: Type.String(), documents: Type.Integer() })

/** Liveness never touches dependencies; readiness proves the store answers. */
export const healthRoutes: FastifyPluginAsync<{ corpus: Corpus }> = async (app, { corpus }) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true, response: { 200: Ready } } }, async () => {
    const docs = await corpus.listDocuments()
    return { status: 'ready', store: corpus.kind, documents: docs.length }
  })
}
