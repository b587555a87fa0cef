import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'

let encoder: Tiktoken | undefined

/**
 * Token counts in o200k_base (the gpt-4o family's encoding), used for chunk budgets. The encoder takes
 * over a second to build, so it is built once per process (and per worker thread) on first use.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0
  encoder ??= new Tiktoken(o200kBase)
  return encoder.encode(text).length
}
