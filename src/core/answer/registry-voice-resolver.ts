import { AppError } from '../../errors.js'
import type { ModelRegistry, RegisteredModel } from '../model-registry.js'
import { DEFAULT_VOICE_ID, type VoiceProfile, type VoiceResolver, type VoiceSelection } from './voice.js'

export interface RegistryVoiceResolverOptions {
  readonly registry: ModelRegistry
  /** RAGTUNE_CHAT_MODEL: answers when no voice is active, and serves prompted voices */
  readonly chatModel: string | undefined
  /** style exemplars given per question to a prompted voice (default 3) */
  readonly exemplars?: number
}

/**
 * The registry-backed resolver. The registry is re-read only when its version counter moves (one tiny
 * query per request), so `ragtune models activate` in another process applies from the next request.
 */
export function createRegistryVoiceResolver(options: RegistryVoiceResolverOptions): VoiceResolver {
  const { registry, chatModel } = options
  const exemplarCount = options.exemplars ?? 3
  let cached: { version: number; models: RegisteredModel[] } | undefined

  const models = async (): Promise<RegisteredModel[]> => {
    const version = await registry.version()
    if (cached?.version !== version) cached = { version, models: (await registry.list()).filter((m) => m.status === 'ready') }
    return cached.models
  }

  const base: VoiceSelection = { voiceId: null, model: chatModel, exemplars: [] }

  const select = async (m: RegisteredModel, question: string): Promise<VoiceSelection> => {
    const prompted = m.kind === 'prompted' || m.kind === 'prompted+fine-tuned'
    return {
      voiceId: m.id,
      model: m.model ?? chatModel,
      ...(m.baseURL === null ? {} : { endpoint: { baseURL: m.baseURL } }),
      exemplars: prompted ? await registry.closestSamples(m.id, question, exemplarCount) : [],
      ...(m.collection === null ? {} : { collection: m.collection }),
    }
  }

  return {
    async list(): Promise<VoiceProfile[]> {
      return (await models()).map((m) => ({
        id: m.id,
        kind: m.kind,
        active: m.active,
        createdAt: m.createdAt,
        ...(m.collection === null ? {} : { collection: m.collection }),
      }))
    },
    async resolve(requested, question) {
      const all = await models()
      if (requested === undefined || requested === DEFAULT_VOICE_ID) {
        const active = all.find((m) => m.active)
        return active === undefined ? base : select(active, question)
      }
      const m = all.find((x) => x.id === requested)
      if (m !== undefined) return select(m, question)
      if (requested === chatModel) return base
      throw new AppError(
        'unknown_model',
        `no voice or model named "${requested}"; GET /v1/models lists them (or use "${DEFAULT_VOICE_ID}")`,
        {
          status: 404,
        },
      )
    },
  }
}
