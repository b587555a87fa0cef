import { AppError } from '../../src/errors.js'
import { readSamples } from '../dataset/read-samples.js'
import type { VoiceScorer } from './evaluate-voice-model.js'

/**
 * Trains the dataset side's authorship scorer (finetune/voice-eval/) on whole documents of the voice
 * against a contrast author, loaded on first use so `models list` never pays for it.
 */
export async function loadVoiceScorer(voiceDirs: readonly string[], contrastDirs: readonly string[]): Promise<VoiceScorer> {
  const [voice, contrast] = await Promise.all([readSamples(voiceDirs), readSamples(contrastDirs)])
  if (voice.samples.length === 0 || contrast.samples.length === 0) {
    throw new AppError(
      'no_voice_samples',
      `the voice scorer needs documents of both authors: ${voice.samples.length} in --voice, ${contrast.samples.length} in --contrast`,
    )
  }
  const { createVoiceScorer } = await import('../voice-eval/voice-scorer.js')
  let scorer
  try {
    scorer = createVoiceScorer({ voice: voice.samples.map((s) => s.text), contrast: contrast.samples.map((s) => s.text) })
  } catch (err) {
    throw new AppError('no_voice_samples', `cannot train the voice scorer: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    })
  }
  return async (texts) => texts.map((t) => scorer.score(t))
}
