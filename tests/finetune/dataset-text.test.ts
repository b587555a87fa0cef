import { describe, expect, it } from 'vitest'
import { toParagraphs, isJunkLine } from '../../finetune/dataset/paragraphs.js'
import { splitSentences, countWords } from '../../finetune/dataset/sentences.js'
import { segmentPassages } from '../../finetune/dataset/segment.js'
import { findDuplicates, jaccard, shingles } from '../../finetune/dataset/near-duplicates.js'
import { splitBySource } from '../../finetune/dataset/split-by-source.js'
import { createKeyPhraseExtractor } from '../../finetune/dataset/key-phrases.js'
import { offlineQuestion, passageCue } from '../../finetune/dataset/offline-question.js'
import { cleanModelQuestion } from '../../finetune/dataset/backtranslate.js'
import { parsePairs } from '../../finetune/dataset/explicit-pairs.js'

const VOCAB = ['float', 'insurance', 'railroad', 'candy', 'textile', 'capital', 'owners', 'managers', 'earnings', 'discipline']
const sentence = (i: number, words = 12): string =>
  `Sentence number ${i} talks about ${Array.from({ length: words - 6 }, (_, k) => VOCAB[(i * 7 + k) % VOCAB.length]).join(' ')} today.`

describe('paragraphs from extracted letter text', () => {
  it('joins hard-wrapped lines, keeps indented paragraphs apart, drops tables and page numbers', () => {
    const text = [
      'BERKSHIRE HATHAWAY INC.',
      '',
      '     Our gain in net worth during the year was large. It is',
      'fitting that the comet came back.',
      '',
      '                                   1985       1984',
      'Insurance Group ..............   95,217      68,903',
      '',
      '     The second factor is our size. Our equity capital is more than twenty times what it was ten',
      '',
      '12',
      '',
      'years ago. And an iron law of business is that growth eventually dampens exceptional economics.',
      '     A new paragraph starts here.',
    ].join('\n')
    expect(toParagraphs(text)).toEqual([
      'Our gain in net worth during the year was large. It is fitting that the comet came back.',
      'The second factor is our size. Our equity capital is more than twenty times what it was ten years ago. And an iron law of business is that growth eventually dampens exceptional economics.',
      'A new paragraph starts here.',
    ])
  })

  it('double-spaced text (a blank line after every line) keeps sentences whole', () => {
    const text =
      'To our shareowners:\n\nRandom forests and gossip protocols walk into certain meetings,\n\nand you may think you are in a lecture.\n\nLook inside a textbook.'
    expect(toParagraphs(text)).toEqual([
      'Random forests and gossip protocols walk into certain meetings, and you may think you are in a lecture.',
      'Look inside a textbook.',
    ])
  })

  it('drops salutations but keeps sentences that start alike', () => {
    expect(
      toParagraphs('To the Shareholders of Berkshire Hathaway Inc.:\n\nDear Fellow Shareholders,\n\nTo the surprise of many, float grew.'),
    ).toEqual(['To the surprise of many, float grew.'])
  })

  it('classifies junk lines', () => {
    expect(isJunkLine('   17  ')).toBe(true)
    expect(isJunkLine('Net Investment Income .......   95,217      68,903')).toBe(true)
    expect(isJunkLine('February 25, 2017                                     Warren E. Buffett')).toBe(true)
    expect(isJunkLine('We cannot promise to achieve the target.     Indeed,')).toBe(false)
    expect(isJunkLine('| a | b |')).toBe(true)
    expect(isJunkLine('and you may momentarily think you have stumbled into a lecture.')).toBe(false)
  })

  it('strips markdown headings and bullets', () => {
    expect(toParagraphs('# Title\n\n- **Float** is money we hold.\n- It costs us nothing.', { markdown: true })).toEqual([
      'Float is money we hold.',
      'It costs us nothing.',
    ])
  })
})

describe('sentences', () => {
  it.each([
    ['Mr. Buffett bought See’s Candies Inc. in 1972. It worked.', ['Mr. Buffett bought See’s Candies Inc. in 1972.', 'It worked.']],
    ['He said “no.” Then he left! Why? Because.', ['He said “no.”', 'Then he left!', 'Why?', 'Because.']],
    ['Warren E. Buffett wrote it. The U.S. economy grew.', ['Warren E. Buffett wrote it.', 'The U.S. economy grew.']],
    ['Earnings rose 4.5% to $3.2 billion. Float grew.', ['Earnings rose 4.5% to $3.2 billion.', 'Float grew.']],
  ])('%s', (text, expected) => {
    expect(splitSentences(text)).toEqual(expected)
  })
})

describe('segmentation', () => {
  it('keeps whole paragraphs together within 80–400 words and never cuts a sentence', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => Array.from({ length: 5 }, (_, k) => sentence(i * 10 + k)).join(' '))
    const { passages, drops } = segmentPassages(paragraphs)
    expect(drops).toEqual([])
    const all = new Set(paragraphs.flatMap(splitSentences))
    for (const p of passages) {
      const w = countWords(p)
      expect(w).toBeGreaterThanOrEqual(80)
      expect(w).toBeLessThanOrEqual(400)
      for (const s of p.split('\n\n').flatMap(splitSentences)) expect(all.has(s)).toBe(true)
    }
    expect(passages.join('\n\n')).toBe(paragraphs.join('\n\n'))
  })

  it('splits a long paragraph between sentences into balanced parts', () => {
    const long = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ') // 720 words
    const { passages } = segmentPassages([long])
    expect(passages.length).toBeGreaterThanOrEqual(2)
    for (const p of passages) {
      expect(countWords(p)).toBeLessThanOrEqual(400)
      expect(p.endsWith('today.')).toBe(true)
      expect(p.startsWith('Sentence number')).toBe(true)
    }
  })

  it('drops what it cannot use, with reasons', () => {
    const table = Array.from({ length: 120 }, (_, i) => `${1000 + i} ${i}.5%`).join(' ')
    expect(segmentPassages(['Too short to stand alone.'])).toEqual({
      passages: [],
      drops: [expect.objectContaining({ reason: 'too_short', words: 5 })],
    })
    expect(segmentPassages([table]).drops.map((d) => d.reason)).toEqual(['not_prose'])
    const runOn = Array.from({ length: 450 }, (_, i) => `word${i}`).join(' ')
    expect(segmentPassages([runOn]).drops.map((d) => d.reason)).toEqual(['sentence_too_long'])
  })
})

describe('duplicates', () => {
  const base = Array.from({ length: 120 }, (_, i) => `token${i % 97} alpha${i}`).join(' ')
  it('finds exact (after normalisation) and near duplicates, keeps unrelated text', () => {
    const words = base.split(' ')
    const edited = [...words.slice(0, 100), 'changed', ...words.slice(101)].join(' ')
    const other = Array.from({ length: 240 }, (_, i) => `other${i}`).join(' ')
    const v = findDuplicates([base, `  ${base.toUpperCase()}!! `, edited, other])
    expect(v[0]).toEqual({ kind: 'unique' })
    expect(v[1]).toEqual({ kind: 'exact', of: 0 })
    expect(v[2]).toMatchObject({ kind: 'near', of: 0 })
    expect(v[3]).toEqual({ kind: 'unique' })
  })

  it('jaccard of shingle sets', () => {
    expect(jaccard(shingles('a b c d e f'), shingles('a b c d e f'))).toBe(1)
    expect(jaccard(shingles('a b c d e f'), shingles('u v w x y z'))).toBe(0)
  })
})

describe('split by source', () => {
  const counts = new Map(Array.from({ length: 20 }, (_, i) => [`letter-${i}.txt`, 10 + (i % 3)] as const))
  it('is deterministic for a seed, disjoint, near the requested share', () => {
    const a = splitBySource(counts, { seed: 7, validationFraction: 0.1 })
    const b = splitBySource(new Map([...counts].reverse()), { seed: 7, validationFraction: 0.1 })
    expect([...a.validation].sort()).toEqual([...b.validation].sort())
    for (const s of a.validation) expect(a.train.has(s)).toBe(false)
    expect(a.train.size + a.validation.size).toBe(20)
    expect(a.validation.size).toBeGreaterThanOrEqual(2)
    expect(a.validation.size).toBeLessThanOrEqual(3)
    const c = splitBySource(counts, { seed: 8, validationFraction: 0.1 })
    expect([...c.validation].sort()).not.toEqual([...a.validation].sort())
  })

  it('keeps at least one training source', () => {
    const s = splitBySource(new Map([['only.txt', 5]]), { seed: 1, validationFraction: 0.5 })
    expect([...s.train]).toEqual(['only.txt'])
  })
})

describe('offline questions from the passage topic', () => {
  const corpus = [
    'Our float grew again. Float is money we hold but do not own, and insurance float costs us nothing when underwriting is profitable.',
    'The textile business struggled. We closed the mills in New Bedford after years of losses.',
    'We bought Scott Fetzer in 1986 for $315 million. The purchase of Scott Fetzer taught me about pricing power.',
  ]
  const kp = createKeyPhraseExtractor(corpus)
  it('extracts topic phrases, not stopwords', () => {
    const phrases = kp.extract(corpus[0]!, 3)
    expect(phrases[0]).toMatch(/float/i)
    for (const p of phrases) expect(p).not.toMatch(/^(the|and|we|our)$/i)
    expect(kp.extract(corpus[1]!, 3).join(' ')).toMatch(/New Bedford|mills|textile/)
  })

  it('builds a deterministic question around the topic and the kind of passage', () => {
    const q = offlineQuestion(corpus[2]!, kp.extract(corpus[2]!, 3))
    expect(q).toBe(offlineQuestion(corpus[2]!, kp.extract(corpus[2]!, 3)))
    expect(q.endsWith('?')).toBe(true)
    expect(passageCue(corpus[2]!)).toBe('deal')
    expect(q).toMatch(/Scott Fetzer/)
    expect(passageCue('I made a big mistake, a dumb error, and it was wrong.')).toBe('mistake')
  })

  it('cleans model replies and rejects non-questions', () => {
    expect(cleanModelQuestion('Question: "Why does float matter to Berkshire?"\n')).toBe('Why does float matter to Berkshire?')
    expect(cleanModelQuestion('Float is great.')).toBeUndefined()
    expect(cleanModelQuestion('')).toBeUndefined()
  })
})

describe('explicit pairs', () => {
  it('accepts prompt/response and messages lines, drops bad lines with their line number', () => {
    const text = [
      JSON.stringify({ prompt: 'What is float?', response: 'Money we hold.' }),
      'not json',
      JSON.stringify({
        messages: [
          { role: 'user', content: 'Why Omaha?' },
          { role: 'assistant', content: 'It is home.' },
        ],
        source: 'qa',
      }),
      JSON.stringify({ prompt: 'missing answer' }),
    ].join('\n')
    const { pairs, drops } = parsePairs(text, 'p.jsonl')
    expect(pairs).toEqual([
      { source: 'p.jsonl:1', user: 'What is float?', assistant: 'Money we hold.' },
      { source: 'qa', user: 'Why Omaha?', assistant: 'It is home.' },
    ])
    expect(drops.map((d) => d.source)).toEqual(['p.jsonl:2', 'p.jsonl:4'])
  })
})
