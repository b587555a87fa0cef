import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'
import { describe, expect, it } from 'vitest'
import { countTokens, prefixWithinTokens } from '../../src/core/ingest/tokenizer.js'

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

// The answer context is cut to its token budget without js-tiktoken's encoder: the cut must fall where
// decoding the first k tokens of tiktoken's encoding ends.
describe('prefixWithinTokens', () => {
  const reference = new Tiktoken(o200kBase)
  const filing =
    'Net revenues increased 12.3% to $4,117.6 million in fiscal 2023, compared with $3,665.4 million in fiscal 2022.\n\n' +
    'Operating income was $1,012 million (24.6% of net revenues). Antidisestablishmentarianism aside, the Board declared a dividend.'
  const texts = [
    ['a filing passage', filing],
    ['multi-byte text', 'Umsatz stieg um 12 % — naïve façade, 日本語のテキスト 🙂👍🏽 and ﬁnancial ﬂows.'],
    ['long words cut inside', 'Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism xqzvbwpl'],
  ] as const
  it.each(texts)('is the decode of the first k tokens, for every k: %s', (_name, text) => {
    const tokens = reference.encode(text, [], [])
    for (let k = 0; k <= tokens.length + 1; k++) {
      const expected = reference.decode(tokens.slice(0, k))
      const got = prefixWithinTokens(text, k)
      // tiktoken may end inside a character (a U+FFFD replacement); the cut keeps only whole characters
      expect(got).toBe(expected.replace(/\uFFFD+$/u, ''))
      expect(countTokens(got)).toBeLessThanOrEqual(k)
    }
  })
})
