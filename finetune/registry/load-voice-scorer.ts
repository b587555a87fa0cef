import { AppError } from '../../src/errors.js'
import type { VoiceScorer } from './evaluate-voice-model.js'

/**
 * The authorship scorer is the dataset side's (finetune/voice-eval/); it is loaded by path on first use
 * so `models list` never pays for training it.
 */
export async function loadVoiceScorer(voiceDirs: readonly string[], contrastDirs: readonly string[]): Promise<VoiceScorer> {
  void voiceDirs
  void contrastDirs
  throw new AppError('scorer_unavailable', 'the voice scorer (finetune/voice-eval) is not available in this build')
}
