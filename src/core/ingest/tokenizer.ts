import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'

let encoder: Tiktoken | undefined
let pieces: RegExp | undefined
const cache = new Map<string, number>()
/** Distinct pieces remembered; a 10-K has a few thousand, so this bounds memory, not hit rate. */
const CACHE_LIMIT = 200_000

/**
 * Token counts in o200k_base (the gpt-4o family's encoding), used for chunk budgets. The encoder takes
 * over a second to build, so it is built once per process (and per worker thread) on first use.
 *
 * Exact but cheaper than `encode(text).length`: tiktoken splits text with its regex and runs BPE on each
 * piece independently, so the count is the sum of the pieces' counts, and pieces (" the", " million")
 * repeat so much that remembering their counts halves the cost of chunking a filing.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0
  encoder ??= new Tiktoken(o200kBase)
  pieces ??= new RegExp(o200kBase.pat_str, 'gu')
  let total = 0
  for (const match of text.matchAll(pieces)) {
    const piece = match[0]
    let n = cache.get(piece)
    if (n === undefined) {
      n = encoder.encode(piece).length
      if (cache.size < CACHE_LIMIT) cache.set(piece, n)
    }
    total += n
  }
  return total
}
