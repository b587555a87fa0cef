import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'
import { describe, expect, it } from 'vitest'
import { countTokens, splitPieces } from '../../src/core/ingest/tokenizer.js'

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

  // The split scans ASCII by hand and leaves anything else to the regex: random mixes of every ASCII
  // class (case, digits, CR/LF, other spaces, punctuation, apostrophes for contractions) with non-ASCII
  // letters, marks, digits, spaces and punctuation right next to them must still count exactly.
  it('splits and counts like the o200k regex and js-tiktoken on random mixes of ASCII and non-ASCII', () => {
    const pattern = new RegExp(o200kBase.pat_str, 'gu')
    const alphabet = [
      ...'aszAQSTZ079',
      ' ',
      ' ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      "'",
      "'",
      ...'rREvVlLmMdD.,$/()-%',
      '\u0000',
      '\u001c',
      ...'éÉ’—•日²٣ǅʰ🙂',
      '\u00a0',
      '\u3000',
      '\u2028',
      '\u0301',
      '\ufeff',
      '\u0085',
    ]
    const ASCII_CHARS = 41 // the ASCII-only prefix of the alphabet: even cases never reach the regex
    let seed = 20261128
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const splits: string[] = []
    const counts: string[] = []
    for (let k = 0; k < 5000; k++) {
      let text = ''
      for (let i = 1 + next(20); i > 0; i--) text += alphabet[next(k % 2 === 0 ? ASCII_CHARS : alphabet.length)] ?? ''
      if (splitPieces(text).join('|') !== [...text.matchAll(pattern)].map((m) => m[0]).join('|')) splits.push(text)
      if (countTokens(text) !== reference.encode(text, [], []).length) counts.push(text)
    }
    expect(splits).toEqual([])
    expect(counts).toEqual([])
  })
})
