import { createRequire } from 'node:module'
import { Tiktoken } from 'js-tiktoken/lite'
import { countTokens, o200kEncoding, type Encoding } from '../../src/core/ingest/tokenizer.js'

const require = createRequire(import.meta.url)

export type EncodingName = 'o200k_base' | 'cl100k_base'

/** gpt-4o, gpt-4.1, gpt-5 and the o-series use o200k_base; older chat models (gpt-3.5, gpt-4) cl100k_base. */
export function encodingForModel(model: string): EncodingName {
  const m = model.toLowerCase().replace(/^ft:/, '')
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/.test(m) ? 'o200k_base' : 'cl100k_base'
}

// Building an encoder parses a few MB of ranks: do it once per encoding per process. The cl100k table (1 MB
// of JavaScript) loads then too, not with this module, which the server loads through fine-tuning.
const encoders = new Map<EncodingName, Tiktoken>()

export function getEncoder(name: EncodingName): Tiktoken {
  let enc = encoders.get(name)
  if (enc === undefined) {
    enc = new Tiktoken(name === 'o200k_base' ? o200kEncoding() : (require('js-tiktoken/ranks/cl100k_base') as Encoding))
    encoders.set(name, enc)
  }
  return enc
}

export interface TokenCounter {
  readonly encoding: EncodingName
  count(text: string): number
  /** chat-format tokens the way the OpenAI cookbook counts them: 3 per message, 1 per name, 3 to prime the reply */
  countMessages(messages: readonly { readonly role: string; readonly content?: unknown; readonly name?: unknown }[]): number
}

export function createTokenCounter(model: string): TokenCounter {
  const encoding = encodingForModel(model)
  // o200k: the one exact counter the service uses (no encoder to build). Sample text may legitimately
  // contain "<|endoftext|>": both count it as text instead of throwing.
  const count = encoding === 'o200k_base' ? countTokens : (text: string): number => getEncoder(encoding).encode(text, [], []).length
  return {
    encoding,
    count,
    countMessages(messages) {
      let n = 3
      for (const m of messages) {
        n += 3 + count(m.role)
        if (typeof m.content === 'string') n += count(m.content)
        if (typeof m.name === 'string') n += 1 + count(m.name)
      }
      return n
    },
  }
}
