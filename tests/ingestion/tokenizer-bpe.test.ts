import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../src/core/ingest/tokenizer.js'

// countTokens runs its own byte-pair merge over the o200k rank table: these texts exercise multi-byte
// UTF-8, rare long words (many merges) and pieces that are not single tokens.
describe('countTokens byte-pair merge', () => {
  const reference = new Tiktoken(o200kBase)
  it.each([
    ['CJK and emoji', '日本語のテキスト、中文文本 🙂🙂👍🏽 한국어'],
    ['ligatures and accents', 'ﬁnancial ﬂows · naïve façade Ångström œuvre'],
    ['rare long words', 'Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism xqzvbwpl'],
    ['figures', '$(1,234,567.89) 12.3% 2023–2024 0.000001 9999999999'],
    ['special-token text counts as plain text', 'see <|endoftext|> here'],
  ])('matches js-tiktoken o200k_base exactly: %s', (_name, text) => {
    expect(countTokens(text)).toBe(reference.encode(text, [], []).length)
  })
})
