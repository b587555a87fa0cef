import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'

/**
 * Token counting for the context budget. Building the encoder takes about a second, so it is built once
 * per process, on first use (extractive mode never needs it). o200k_base is the tokenizer of current
 * OpenAI chat models; for other models it is a close enough estimate for a budget.
 */
let encoder: Tiktoken | undefined

export function countTokens(text: string): number {
  encoder ??= new Tiktoken(o200kBase)
  return encoder.encode(text).length
}

/** The longest prefix of `text` within `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  encoder ??= new Tiktoken(o200kBase)
  const tokens = encoder.encode(text)
  if (tokens.length <= maxTokens) return text
  return encoder.decode(tokens.slice(0, Math.max(0, maxTokens)))
}
