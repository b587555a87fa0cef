/**
 * Voice evaluation on the shared letters: Buffett (voice) vs Bezos (contrast), whole letters held out.
 * Prints AUC per seed for the full scorer and for each feature block alone — the function-word block
 * is nearly topic-free, so its AUC says how much of the separation is style rather than subject matter.
 * Run: npx tsx bench/voice-eval.ts [voiceDir] [contrastDir]. Prints figures; never fails on them.
 */
import { evaluateVoice } from '../finetune/voice-eval/evaluate-voice.js'
import type { FeatureSet } from '../finetune/voice-eval/style-features.js'

const voiceDir = process.argv[2] ?? '../shared/data/voice/buffett'
const contrastDir = process.argv[3] ?? '../shared/data/voice/contrast/bezos'
const seeds = [7, 1, 2, 3, 4]
const sets: FeatureSet[] = ['all', 'char-ngrams', 'function-words']

console.log(`voice ${voiceDir} vs contrast ${contrastDir}; 20% of each folder's letters held out per seed`)
for (const featureSet of sets) {
  const aucs: number[] = []
  for (const seed of seeds) {
    const started = performance.now()
    const r = await evaluateVoice({ voiceDir, contrastDir, seed, featureSet })
    aucs.push(r.auc)
    console.log(
      `${featureSet.padEnd(14)} seed ${seed}: AUC ${r.auc.toFixed(4)}  passages ${r.passages} (voice ${r.testPassages.voice}, contrast ${r.testPassages.contrast})` +
        `  accuracy ${(100 * r.accuracy).toFixed(1)}%  held out ${r.heldOut?.voice.length ?? 0}+${r.heldOut?.contrast.length ?? 0} letters  ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  }
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length
  console.log(`${featureSet.padEnd(14)} mean AUC ${mean.toFixed(4)}, min ${Math.min(...aucs).toFixed(4)}`)
}
