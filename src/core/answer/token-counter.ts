import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'

/**
 * Token counting for the context budget. o200k_base is the tokenizer of current OpenAI chat models; for
 * other models it is a close enough estimate for a budget. Two costs shape this file: building the
 * encoder takes seconds (so it is built once per process, and never in extractive mode, which needs no
 * budget), and encoding runs at roughly 5 ms per thousand tokens (so counts of source texts, which
 * repeat across questions, are kept in a small LRU).
 */
let encoder: Tiktoken | undefined
const counts = new Map<string, number>()
const MAX_CACHED = 4096
const MIN_CACHED_CHARS = 256

function enc(): Tiktoken {
  encoder ??= new Tiktoken(o200kBase)
  return encoder
}

/** Builds the encoder now (at start-up) rather than on the first question. */
export function warmTokenizer(): void {
  enc()
}

export function countTokens(text: string): number {
  if (text.length < MIN_CACHED_CHARS) return enc().encode(text).length
  const hit = counts.get(text)
  if (hit !== undefined) {
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    counts.delete(text)
    counts.set(text, hit)
    return hit
  }
  const n = enc().encode(text).length
  counts.set(text, n)
  if (counts.size > MAX_CACHED) counts.delete(counts.keys().next().value as string)
  return n
}

/** The longest prefix of `text` within `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const tokens = enc().encode(text)
  if (tokens.length <= maxTokens) return text
  return enc().decode(tokens.slice(0, Math.max(0, maxTokens)))
}
