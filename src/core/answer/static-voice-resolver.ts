import { AppError } from '../../errors.js'
import { DEFAULT_VOICE_ID, type VoiceResolver, type VoiceSelection } from './voice.js'

/**
 * The default resolver: every question is answered by the configured base chat model, with no style
 * exemplars and no voices to list. Without a chat model it selects none, which means extractive mode.
 */
export function createStaticVoiceResolver(config: { readonly chatModel: string | undefined }): VoiceResolver {
  const selection: VoiceSelection = { voiceId: null, model: config.chatModel, exemplars: [] }
  return {
    async list() {
      return []
    },
    async resolve(requested) {
      if (requested === undefined || requested === DEFAULT_VOICE_ID || requested === config.chatModel) return selection
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
