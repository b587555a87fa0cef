import { toParagraphs } from '../dataset/paragraphs.js'
import { segmentPassages } from '../dataset/segment.js'
import { trainLogisticRegression, predictProbability, type LogisticModel } from './logistic-regression.js'
import { FEATURE_COUNT, fitFunctionWordScaling, styleFeatures, type FeatureSet, type FunctionWordScaling } from './style-features.js'

/**
 * Authorship verification: is this text in the voice, or in the contrast author's? Trained on passages
 * of the voice's documents (label 1) against the contrast author's (label 0). `ragtune eval voice`
 * measures it; `ragtune models eval` uses `score` on generated answers.
 */
export interface VoiceScorer {
  readonly trainedOn: { readonly voicePassages: number; readonly contrastPassages: number }
  /** 0–1: how much the text reads like the voice rather than the contrast author */
  score(text: string): number
}

export interface VoiceScorerOptions {
  /** whole documents (letters, speeches) by the voice */
  readonly voice: readonly string[]
  /** whole documents by a contrast author writing on similar subjects */
  readonly contrast: readonly string[]
  /** training passage size in words */
  readonly passageWords?: number
  readonly epochs?: number
  readonly lambda?: number
  readonly seed?: number
  readonly featureSet?: FeatureSet
}

export const DEFAULT_PASSAGE_WORDS = 200

/** ~`words`-word passages of whole sentences, with tables and page furniture removed. */
export function stylePassages(document: string, words = DEFAULT_PASSAGE_WORDS): string[] {
  const paragraphs = toParagraphs(document)
  return segmentPassages(paragraphs, { minWords: Math.round(words / 2), maxWords: Math.round(words * 1.5), targetWords: words }).passages
}

export function createVoiceScorer(options: VoiceScorerOptions): VoiceScorer {
  const size = options.passageWords ?? DEFAULT_PASSAGE_WORDS
  const positives = options.voice.flatMap((d) => stylePassages(d, size))
  const negatives = options.contrast.flatMap((d) => stylePassages(d, size))
  if (positives.length === 0 || negatives.length === 0) {
    throw new Error(`the voice scorer needs passages of both authors (got ${positives.length} voice, ${negatives.length} contrast)`)
  }
  const texts = [...positives, ...negatives]
  const featureSet = options.featureSet ?? 'all'
  const scaling: FunctionWordScaling = fitFunctionWordScaling(texts)
  const model: LogisticModel = trainLogisticRegression(
    texts.map((t) => styleFeatures(t, scaling, featureSet)),
    texts.map((_, i) => (i < positives.length ? 1 : 0)),
    {
      dimensions: FEATURE_COUNT,
      ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
      ...(options.lambda === undefined ? {} : { lambda: options.lambda }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    },
  )
  return {
    trainedOn: { voicePassages: positives.length, contrastPassages: negatives.length },
    score: (text) => predictProbability(model, styleFeatures(text, scaling, featureSet)),
  }
}
