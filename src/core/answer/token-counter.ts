import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'

/**
 * Token counting for the context budget. o200k_base is the tokenizer of current OpenAI chat models; for
 * other models it is a close enough estimate for a budget. Two costs shape this file: building the
 * encoder is slow (so it is built once per process, and never in extractive mode, which needs no budget),
 * and encoding is not free per token (so counts of source texts, which repeat across questions, are kept
 * in a small LRU; bench/ask.ts measures the request path with and without repeats).
 */
let encoder: Tiktoken | undefined
const counts = new Map<string, number>()
const MAX_CACHED = 4096
// Source headers (title, version, pages) are short but repeat on every question that cites the page.
const MIN_CACHED_CHARS = 32

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

const cuts = new Map<string, string>()

/** The longest prefix of `text` within `maxTokens` tokens (cached: the same page is cut the same way). */
export function truncateToTokens(text: string, maxTokens: number): string {
  const key = `${maxTokens}\u0000${text}`
  const hit = cuts.get(key)
  if (hit !== undefined) return hit
  const total = countTokens(text)
  let cut = text
  if (total > maxTokens) {
    // Encode only a prefix a little longer than the share of characters that should fit, not the page.
    const share = Math.min(text.length, Math.ceil((text.length * maxTokens * 1.2) / total) + 16)
    const tokens = enc().encode(text.slice(0, share))
    cut = enc().decode(tokens.slice(0, Math.max(0, maxTokens)))
  }
  cuts.set(key, cut)
  if (cuts.size > MAX_CACHED) cuts.delete(cuts.keys().next().value as string)
  return cut
}
