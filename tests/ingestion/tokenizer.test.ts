import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../src/core/ingest/tokenizer.js'

describe('countTokens', () => {
  const reference = new Tiktoken(o200kBase)
  it.each([
    ['empty', ''],
    ['prose', 'Net sales increased 5% to $1,801 million, driven by industrial widgets.'],
    ['table', 'Segment\t2023\t2022\nIndustrial $ 1,234 $ 1,100\n(Millions)\t-0.25%\t+0.25%'],
    ['unicode and spacing', 'Café — “quoted”   text\n\n\n  indented ☒ 10-K  '],
    ['repeated words', 'the the the company company the'.repeat(20)],
  ])('matches js-tiktoken o200k_base exactly: %s', (_name, text) => {
    expect(countTokens(text)).toBe(reference.encode(text).length)
    // Second call goes through the piece cache.
    expect(countTokens(text)).toBe(reference.encode(text).length)
  })
})
