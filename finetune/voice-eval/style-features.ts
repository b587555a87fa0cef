import { FUNCTION_WORDS } from './function-words.js'

/**
 * Style features for authorship verification, as one sparse vector:
 * - character 2–4-grams of the lower-cased text (digits folded to "0", whitespace runs to one space),
 *   hashed into 2^17 buckets, log(1 + count), the block L2-normalised so passage length does not matter;
 * - the function-word profile: each word's rate per 100 words, z-scored with the training means and
 *   deviations (set by `fitFunctionWordScaling`), scaled down so it weighs like the n-gram block.
 */
export const NGRAM_SIZES = [2, 3, 4] as const
export const HASH_BITS = 17
const HASH_SIZE = 1 << HASH_BITS
export const FEATURE_COUNT = HASH_SIZE + FUNCTION_WORDS.length
const FUNCTION_WORD_INDEX = new Map(FUNCTION_WORDS.map((w, i) => [w, i]))
const FUNCTION_WORD_WEIGHT = 0.15

export interface SparseVector {
  readonly indices: Uint32Array
  readonly values: Float64Array
}

export interface FunctionWordScaling {
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export function normalizeStyleText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\d/g, '0').replace(/\s+/g, ' ').trim()
}

/** Rates per 100 words of each function word, in FUNCTION_WORDS order. */
export function functionWordRates(text: string): number[] {
  const rates = new Array<number>(FUNCTION_WORDS.length).fill(0)
  const words = normalizeStyleText(text).match(/[a-z]+(?:'[a-z]+)?/g) ?? []
  for (const w of words) {
    const i = FUNCTION_WORD_INDEX.get(w)
    if (i !== undefined) rates[i]! += 1
  }
  const n = Math.max(1, words.length)
  return rates.map((c) => (100 * c) / n)
}

export function fitFunctionWordScaling(texts: readonly string[]): FunctionWordScaling {
  const rows = texts.map(functionWordRates)
  const k = FUNCTION_WORDS.length
  const mean = new Array<number>(k).fill(0)
  const std = new Array<number>(k).fill(0)
  for (const r of rows) r.forEach((v, i) => (mean[i]! += v / rows.length))
  for (const r of rows) r.forEach((v, i) => (std[i]! += (v - mean[i]!) ** 2 / rows.length))
  // A word absent from training gets unit spread instead of dividing by zero.
  return { mean, std: std.map((v) => (v > 1e-9 ? Math.sqrt(v) : 1)) }
}

/** Both blocks by default; one alone for ablations (bench/voice-eval.ts: is it style or topic?). */
export type FeatureSet = 'all' | 'char-ngrams' | 'function-words'

export function styleFeatures(text: string, scaling: FunctionWordScaling, set: FeatureSet = 'all'): SparseVector {
  const t = ` ${normalizeStyleText(text)} `
  const counts = new Map<number, number>()
  for (const n of set === 'function-words' ? [] : NGRAM_SIZES) {
    for (let i = 0; i + n <= t.length; i++) {
      const h = fnv1a(`${n}${t.slice(i, i + n)}`) & (HASH_SIZE - 1)
      counts.set(h, (counts.get(h) ?? 0) + 1)
    }
  }
  const entries = [...counts.entries()].sort((a, b) => a[0] - b[0])
  let norm = 0
  const ngramValues = entries.map(([, c]) => {
    const v = Math.log1p(c)
    norm += v * v
    return v
  })
  norm = Math.sqrt(norm) || 1
  const rates = set === 'char-ngrams' ? [] : functionWordRates(text)
  const indices = new Uint32Array(entries.length + rates.length)
  const values = new Float64Array(entries.length + rates.length)
  entries.forEach(([h], i) => {
    indices[i] = h
    values[i] = ngramValues[i]! / norm
  })
  rates.forEach((r, i) => {
    indices[entries.length + i] = HASH_SIZE + i
    values[entries.length + i] = (FUNCTION_WORD_WEIGHT * (r - scaling.mean[i]!)) / scaling.std[i]! / Math.sqrt(rates.length)
  })
  return { indices, values }
}
