import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DEFAULT_VOICE_ID, type VoiceResolver } from '../../core/answer/voice.js'
import { errorResponses } from '../answer-schemas.js'
import { scopeAllowsCollection } from '../../core/collections.js'
import { requestCollections } from '../auth.js'

const Model = Type.Object({
  id: Type.String(),
  object: Type.Literal('model'),
  created: Type.Integer(),
  owned_by: Type.String(),
})
const ModelList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Model) })

/** GET /v1/models in OpenAI's list shape: the default ("ragtune", the active voice) and every voice. */
export const modelRoutes: FastifyPluginAsyncTypebox<{ voices: VoiceResolver; startedAt: number }> = async (app, { voices, startedAt }) => {
  app.get(
    '/v1/models',
    { schema: { summary: 'List the voices a chat client may pick as its model', response: { 200: ModelList, ...errorResponses } } },
    async (req) => {
      // a voice bound to a collection the key does not see is not listed
      const scope = requestCollections(req)
      const list = (await voices.list()).filter((v) => v.collection === undefined || scopeAllowsCollection(scope, v.collection))
      const created = (iso: string): number => Math.floor((Date.parse(iso) || startedAt) / 1000)
      return {
        object: 'list' as const,
        data: [
          { id: DEFAULT_VOICE_ID, object: 'model' as const, created: Math.floor(startedAt / 1000), owned_by: 'ragtune' },
          ...list
            .filter((v) => v.id !== DEFAULT_VOICE_ID)
            .map((v) => ({ id: v.id, object: 'model' as const, created: created(v.createdAt), owned_by: `ragtune:${v.kind}` })),
        ],
      }
    },
  )
}
