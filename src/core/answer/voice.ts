/**
 * "Which model answers, in which voice" is this one lookup. The default resolver answers with
 * RAGTUNE_CHAT_MODEL and no exemplars; the registry-backed one (fine-tuning issue) returns the active or
 * requested voice: a fine-tuned model, prompted style exemplars, or both. Resolved per request, so an
 * activation takes effect from the next request without a restart.
 */
export interface VoiceProfile {
  /** the name clients pass as `model` in /v1/chat/completions */
  readonly id: string
  readonly kind: 'base' | 'prompted' | 'fine-tuned' | 'prompted+fine-tuned'
  readonly active: boolean
  readonly createdAt: string
  /** the collection it answers from, when bound to one */
  readonly collection?: string
}

export interface VoiceSelection {
  /** null for the default base-model answer */
  readonly voiceId: string | null
  /** model name to call; undefined when no chat model is configured (extractive mode) */
  readonly model: string | undefined
  /** where that model is served when it is not the default endpoint (a registered LoRA adapter) */
  readonly endpoint?: { readonly baseURL: string; readonly apiKey?: string }
  /** style exemplars: voice passages closest to the question; never cited as facts */
  readonly exemplars: readonly string[]
  /** the collection the voice answers from, when bound to one */
  readonly collection?: string
}

export interface VoiceResolver {
  list(): Promise<VoiceProfile[]>
  /** `requested` is a voice id or undefined for the active voice; throws AppError `unknown_model` */
  resolve(requested: string | undefined, question: string): Promise<VoiceSelection>
}

/** The `model` name that means "the active voice" in /v1/chat/completions and /v1/models. */
export const DEFAULT_VOICE_ID = 'ragtune'
