import { createHash } from 'node:crypto'
import path from 'node:path'
import { AppError } from '../../src/errors.js'
import { readSamples, type PdfTextReader, type SampleText } from '../dataset/read-samples.js'
import { rocAuc } from './auc.js'
import { createVoiceScorer, DEFAULT_PASSAGE_WORDS, stylePassages, type VoiceScorer } from './voice-scorer.js'
import type { FeatureSet } from './style-features.js'

export interface VoiceEvalOptions {
  readonly voiceDir: string
  readonly contrastDir: string
  /** both or neither: without them, whole files are held out of the training folders */
  readonly testVoiceDir?: string
  readonly testContrastDir?: string
  /** share of each training folder's files held out when no test folders are given */
  readonly holdoutFraction?: number
  readonly seed?: number
  readonly passageWords?: number
  readonly readPdf?: PdfTextReader
  readonly featureSet?: FeatureSet
}

export interface VoiceEvalResult {
  readonly auc: number
  /** test passages scored (voice + contrast) */
  readonly passages: number
  readonly testPassages: { readonly voice: number; readonly contrast: number }
  readonly trainPassages: { readonly voice: number; readonly contrast: number }
  readonly heldOut: { readonly voice: readonly string[]; readonly contrast: readonly string[] } | undefined
  readonly meanScore: { readonly voice: number; readonly contrast: number }
  /** share of test passages on the right side of 0.5 */
  readonly accuracy: number
  readonly scorer: VoiceScorer
}

/** Whole files out of training, chosen by a seeded hash of their names (stable when files are added). */
export function holdOutFiles<T extends { source: string }>(items: readonly T[], fraction: number, seed: number): { train: T[]; test: T[] } {
  if (items.length < 2)
    throw new AppError(
      'too_few_files',
      `holding out whole files needs at least 2 files per folder, got ${items.length}; pass --test-voice/--test-contrast`,
    )
  const n = Math.min(items.length - 1, Math.max(1, Math.round(items.length * fraction)))
  const key = (s: string): string =>
    createHash('sha256')
      .update(`${seed}\u0000${path.basename(s)}`)
      .digest('hex')
  const ranked = [...items].sort((a, b) => (key(a.source) < key(b.source) ? -1 : 1))
  const test = new Set(ranked.slice(0, n))
  return { train: items.filter((x) => !test.has(x)), test: items.filter((x) => test.has(x)) }
}

async function readFolder(dir: string, readPdf: PdfTextReader | undefined): Promise<SampleText[]> {
  const { samples } = await readSamples([dir], readPdf === undefined ? {} : { readPdf })
  if (samples.length === 0) throw new AppError('no_samples', `no readable .txt, .md or .pdf files in ${dir}; check the path`)
  return samples
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

export async function evaluateVoice(options: VoiceEvalOptions): Promise<VoiceEvalResult> {
  if ((options.testVoiceDir === undefined) !== (options.testContrastDir === undefined)) {
    throw new AppError('invalid_arguments', 'give both --test-voice and --test-contrast, or neither (then whole files are held out)')
  }
  const seed = options.seed ?? 7
  const words = options.passageWords ?? DEFAULT_PASSAGE_WORDS
  const voice = await readFolder(options.voiceDir, options.readPdf)
  const contrast = await readFolder(options.contrastDir, options.readPdf)
  let split: { voice: { train: SampleText[]; test: SampleText[] }; contrast: { train: SampleText[]; test: SampleText[] } }
  if (options.testVoiceDir !== undefined && options.testContrastDir !== undefined) {
    split = {
      voice: { train: voice, test: await readFolder(options.testVoiceDir, options.readPdf) },
      contrast: { train: contrast, test: await readFolder(options.testContrastDir, options.readPdf) },
    }
  } else {
    const fraction = options.holdoutFraction ?? 0.2
    split = { voice: holdOutFiles(voice, fraction, seed), contrast: holdOutFiles(contrast, fraction, seed) }
  }
  const scorer = createVoiceScorer({
    voice: split.voice.train.map((s) => s.text),
    contrast: split.contrast.train.map((s) => s.text),
    passageWords: words,
    seed,
    ...(options.featureSet === undefined ? {} : { featureSet: options.featureSet }),
  })
  const voiceScores = split.voice.test.flatMap((s) => stylePassages(s.text, words)).map((p) => scorer.score(p))
  const contrastScores = split.contrast.test.flatMap((s) => stylePassages(s.text, words)).map((p) => scorer.score(p))
  const scores = [...voiceScores, ...contrastScores]
  const labels: (0 | 1)[] = [...voiceScores.map(() => 1 as const), ...contrastScores.map(() => 0 as const)]
  const correct = voiceScores.filter((s) => s >= 0.5).length + contrastScores.filter((s) => s < 0.5).length
  return {
    auc: rocAuc(scores, labels),
    passages: scores.length,
    testPassages: { voice: voiceScores.length, contrast: contrastScores.length },
    trainPassages: { voice: scorer.trainedOn.voicePassages, contrast: scorer.trainedOn.contrastPassages },
    heldOut:
      options.testVoiceDir === undefined
        ? { voice: split.voice.test.map((s) => path.basename(s.source)), contrast: split.contrast.test.map((s) => path.basename(s.source)) }
        : undefined,
    meanScore: { voice: mean(voiceScores), contrast: mean(contrastScores) },
    accuracy: scores.length === 0 ? Number.NaN : correct / scores.length,
    scorer,
  }
}
