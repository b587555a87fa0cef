/**
 * The OpenAI cookbook's billed-token estimate for a chat fine-tune. The service picks the epoch count so
 * that the number of example passes stays within 100–25,000 (and epochs within 1–25), starting from 3.
 * The cookbook floors on the low side; we take the ceiling so the estimate never shows fewer than 100
 * passes, which is what the service aims for.
 */
export const TARGET_EPOCHS = 3
export const MIN_TARGET_EXAMPLES = 100
export const MAX_TARGET_EXAMPLES = 25_000
export const MIN_DEFAULT_EPOCHS = 1
export const MAX_DEFAULT_EPOCHS = 25

export function estimateEpochs(trainingExamples: number): number {
  const n = trainingExamples
  if (n <= 0) return 0
  if (n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) return Math.min(MAX_DEFAULT_EPOCHS, Math.ceil(MIN_TARGET_EXAMPLES / n))
  if (n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / n))
  return TARGET_EPOCHS
}

export interface BillingEstimate {
  readonly epochs: number
  /** tokens in one pass, each example capped at the per-example limit (the service truncates the rest) */
  readonly tokensPerEpoch: number
  readonly billedTokens: number
  /** present when a price per 1M training tokens was given */
  readonly cost?: number
}

export function estimateBilling(exampleTokens: readonly number[], perExampleLimit: number, pricePerMillion?: number): BillingEstimate {
  const epochs = estimateEpochs(exampleTokens.length)
  const tokensPerEpoch = exampleTokens.reduce((sum, t) => sum + Math.min(t, perExampleLimit), 0)
  const billedTokens = epochs * tokensPerEpoch
  return {
    epochs,
    tokensPerEpoch,
    billedTokens,
    ...(pricePerMillion === undefined ? {} : { cost: (billedTokens / 1_000_000) * pricePerMillion }),
  }
}

export function formatCost(cost: number): string {
  return `$${cost.toFixed(cost < 1 ? 4 : 2)}`
}
