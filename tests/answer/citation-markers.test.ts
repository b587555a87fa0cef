import { describe, expect, it } from 'vitest'
import {
  citationNumbers,
  createCitationRenumbering,
  createCitationStream,
  findCitationMarkers,
} from '../../src/core/answer/citation-markers.js'
import { checkFacts } from '../../src/core/answer/fact-lock.js'
import { startHarness } from '../http/answer-harness.js'

describe('citation marker grammar', () => {
  it.each([
    ['a [7] b', [7]],
    ['a [ 7 ] b', [7]],
    ['a [7 ] b', [7]],
    ['a [1; 7] b', [1, 7]],
    ['a [1, 3] b', [1, 3]],
    ['a【7】b', [7]],
    ['a [^7] b', [7]],
    ['a [１] b', [1]],
    ['a ［１２］ b', [12]],
    ['a [Source 9] b', [9]],
    ['a [sources 1, 2] b', [1, 2]],
    ['a [Source 1; Source 4] b', [1, 4]],
    ['a [2-4] b', [2, 3, 4]],
    ['a [2–4] b', [2, 3, 4]],
    ['a [1][2] b', [1, 2]],
  ])('%s cites %j', (text, numbers) => {
    expect(citationNumbers(text)).toEqual(numbers)
  })

  it('expands a wide range in full and a huge one to its ends, never to its first number alone', () => {
    expect(citationNumbers('[1-30]')).toHaveLength(30)
    expect(citationNumbers('[1-5000]')).toEqual([1, 5000])
    expect(citationNumbers('[9-3]')).toEqual([9, 3])
  })

  it('leaves bracketed words and links alone', () => {
    expect(findCitationMarkers('see [note] and [a](http://x) or [1a]')).toEqual([])
  })
})

describe('fact-lock sees every marker form', () => {
  const sources = [1, 2, 3].map((n) => ({ n, text: `Source ${n}: revenue was ${n}00 million.` }))
  it.each(['[ 7 ]', '[7 ]', '【7】', '[^7]', '[７]', '[Source 7]'])('removes %s, which cites no source', (marker) => {
    const r = checkFacts(`Revenue was 100 million ${marker}.`, sources)
    expect(r.removedCitations).toEqual([7])
    expect(r.answer).toBe('Revenue was 100 million.')
  })
  it('keeps the valid part of [1; 7] and of a wide range', () => {
    expect(checkFacts('Revenue was 100 million [1; 7].', sources)).toMatchObject({
      answer: 'Revenue was 100 million [1].',
      cited: [1],
      removedCitations: [7],
    })
    const wide = checkFacts('Revenue was 100 million [1-30].', sources)
    expect(wide.cited).toEqual([1, 2, 3])
    expect(wide.removedCitations).toHaveLength(27)
    expect(wide.answer).toBe('Revenue was 100 million [1, 2, 3].')
  })
  it('checks numbers against a source cited as [Source 2]', () => {
    expect(checkFacts('Revenue was 200 million [Source 2].', sources).unsupportedNumbers).toEqual([])
    expect(checkFacts('Revenue was 900 million [Source 2].', sources).unsupportedNumbers).toEqual(['900 million'])
  })
})

describe('renumbering', () => {
  it('numbers sources 1..n in order of first use', () => {
    const r = createCitationRenumbering(new Set([2, 3, 5]))
    expect(r.rewrite('A [3]. B [2, 3]. C【5】. D [9].')).toBe('A [1]. B [2, 1]. C[3]. D.')
    expect(r.order).toEqual([3, 2, 5])
  })

  it('gives the same text streamed in any pieces as rewritten whole', () => {
    const text = 'Revenue rose [3]. Capex fell [ 2 ], margins held [Source 3; 9]【5】and debt [^2] [1-2].'
    const whole = createCitationRenumbering(new Set([1, 2, 3, 5])).rewrite(text)
    for (let size = 1; size <= 7; size++) {
      const stream = createCitationStream(new Set([1, 2, 3, 5]))
      let out = ''
      for (let i = 0; i < text.length; i += size) out += stream.push(text.slice(i, i + size))
      out += stream.flush()
      expect(out).toBe(whole)
    }
    expect(whole).toBe('Revenue rose [1]. Capex fell [2], margins held [1][3]and debt [2] [4, 2].')
  })
})

describe('answers cite 1..n', () => {
  it('renumbers /v1/ask and chat completions answers, streamed or not', async () => {
    const h = await startHarness({ chat: true })
    try {
      // the model cites only the second and third sources it was given
      h.emulator!.setResponder(() => 'Total revenue was $12,345 million [3]. Beta sells bicycles [2]. Again [3].')
      const ask = (
        await h.app.inject({ method: 'POST', url: '/v1/ask', payload: { question: 'Acme total revenue and Beta bicycles' } })
      ).json<{
        answer: string
        citations: { n: number }[]
      }>()
      const used = citationNumbers(ask.answer)
      expect(new Set(used)).toEqual(new Set(ask.citations.map((c) => c.n)))
      expect(ask.citations.map((c) => c.n)).toEqual(Array.from({ length: ask.citations.length }, (_, i) => i + 1))
      expect(used[0]).toBe(1)

      const chat = (
        await h.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          payload: { model: 'ragtune', messages: [{ role: 'user', content: 'Acme total revenue and Beta bicycles' }] },
        })
      ).json<{ choices: { message: { content: string } }[]; citations: { n: number }[] }>()
      const content = chat.choices[0]!.message.content
      expect(citationNumbers(content.split('\n\nSources:')[0]!)[0]).toBe(1)
      expect(chat.citations.map((c) => c.n)).toEqual(Array.from({ length: chat.citations.length }, (_, i) => i + 1))

      const streamed = await h.app.inject({
        method: 'POST',
        url: '/v1/ask',
        payload: { question: 'Acme total revenue and Beta bicycles', stream: true },
      })
      const tokens = [...streamed.body.matchAll(/event: token\ndata: (.*)\n/g)]
        .map((m) => (JSON.parse(m[1]!) as { text: string }).text)
        .join('')
      const final = JSON.parse(/event: final\ndata: (.*)\n/.exec(streamed.body)![1]!) as { answer: string }
      expect(tokens.trim()).toBe(final.answer)
      expect(citationNumbers(final.answer)[0]).toBe(1)
    } finally {
      await h.close()
    }
  })
})
