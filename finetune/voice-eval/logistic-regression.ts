import type { SparseVector } from './style-features.js'

/**
 * Binary logistic regression on sparse vectors: L2-regularised, class-balanced log loss, plain SGD with
 * a decaying step. Weight decay uses the scale trick (w = scale·v), so each update costs the example's
 * non-zeros rather than the full dimension. Deterministic for a seed.
 */
export interface LogisticModel {
  readonly weights: Float64Array
  readonly bias: number
}

export interface TrainOptions {
  readonly dimensions: number
  readonly epochs?: number
  /** L2 strength */
  readonly lambda?: number
  readonly learningRate?: number
  readonly seed?: number
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

export function decision(model: LogisticModel, x: SparseVector): number {
  let z = model.bias
  for (let k = 0; k < x.indices.length; k++) z += model.weights[x.indices[k]!]! * x.values[k]!
  return z
}

export function predictProbability(model: LogisticModel, x: SparseVector): number {
  return sigmoid(decision(model, x))
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

export function trainLogisticRegression(xs: readonly SparseVector[], ys: readonly (0 | 1)[], options: TrainOptions): LogisticModel {
  if (xs.length !== ys.length || xs.length === 0) throw new Error('logistic regression needs as many labels as examples, at least one')
  const epochs = options.epochs ?? 20
  const lambda = options.lambda ?? 1e-4
  const eta0 = options.learningRate ?? 0.5
  const positives = ys.filter((y) => y === 1).length
  const negatives = ys.length - positives
  // Balanced weights: the minority class (a short contrast corpus) counts as much as the majority.
  const weightOf = (y: 0 | 1): number => ys.length / (2 * Math.max(1, y === 1 ? positives : negatives))
  const v = new Float64Array(options.dimensions)
  let scale = 1
  let bias = 0
  const random = rng(options.seed ?? 1)
  const order = xs.map((_, i) => i)
  let t = 0
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const i of order) {
      const x = xs[i]!
      const y = ys[i]!
      const eta = eta0 / (1 + eta0 * lambda * t++)
      let z = bias
      for (let k = 0; k < x.indices.length; k++) z += scale * v[x.indices[k]!]! * x.values[k]!
      const g = weightOf(y) * (sigmoid(z) - y)
      scale *= 1 - eta * lambda
      if (scale < 1e-9) {
        for (let d = 0; d < v.length; d++) v[d]! *= scale
        scale = 1
      }
      const step = (eta * g) / scale
      for (let k = 0; k < x.indices.length; k++) v[x.indices[k]!]! -= step * x.values[k]!
      bias -= eta * g
    }
  }
  const weights = new Float64Array(options.dimensions)
  for (let d = 0; d < v.length; d++) weights[d] = v[d]! * scale
  return { weights, bias }
}
