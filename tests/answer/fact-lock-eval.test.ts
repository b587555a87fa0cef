import { describe, expect, it } from 'vitest'
import { evaluateFactLock } from '../../src/core/answer/fact-lock-eval.js'
import { extractNumbers } from '../../src/core/answer/numbers.js'
import { perturbations } from '../../src/core/answer/number-perturbation.js'
import { sourceFigures } from '../../src/core/answer/source-figures.js'

describe('perturbations', () => {
  const text = 'Revenue was $1,577 million, up 12.5%.'
  const targets = extractNumbers(text)

  it('are the same for the same seed and change exactly one number each', () => {
    const a = perturbations(text, targets, 'q1')
    expect(perturbations(text, targets, 'q1')).toEqual(a)
    expect(a.map((p) => p.kind)).toEqual(['scaled', 'digits', 'unit', 'scaled', 'digits'])
    for (const p of a) {
      expect(p.to).not.toBe(p.from)
      expect(p.text).toBe(text.replace(p.from, p.to))
    }
    expect(a.find((p) => p.kind === 'unit')?.to).toBe('$1,577 billion')
  })

  it('scale a number by 3 to 15 percent', () => {
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const scaled = perturbations('It was 1000.0 units', extractNumbers('It was 1000.0 units'), seed).find((p) => p.kind === 'scaled')
      const ratio = Number(scaled?.to) / 1000
      expect(Math.abs(ratio - 1)).toBeGreaterThanOrEqual(0.03 - 1e-9)
      expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(0.15 + 1e-9)
    }
  })
})

describe('evaluateFactLock', () => {
  it('counts false flags on right answers and catches on perturbed ones', () => {
    const source = '(in millions)\nTotal net sales $ 177,866 $ 135,987\nNet income 3,033 2,371'
    const r = evaluateFactLock([
      { id: 'a', question: 'revenue growth?', answer: 'Net sales grew 30.8%.', sources: [source] },
      { id: 'b', question: 'net income?', answer: 'Net income was $3,033 million.', sources: [source] },
      { id: 'c', question: 'net income?', answer: 'Net income was $4,444 million.', sources: [source] },
      { id: 'd', question: 'when?', answer: 'In 2017.', sources: [source] },
    ])
    expect(r.answers).toBe(3)
    expect(r.falseFlags.map((f) => f.id)).toEqual(['c'])
    expect(r.perturbed).toBe(r.byKind.scaled.perturbed + r.byKind.digits.perturbed + r.byKind.unit.perturbed)
    expect(r.caught + r.missed.length).toBe(r.perturbed)
  })
})

describe('sourceFigures', () => {
  it('groups a statement page into rows with one figure per period, negatives and the declared unit', () => {
    const f = sourceFigures('(Dollars in thousands)\n2019 2018\nPurchases of property (1,577) (1,373)\nNet income $ 5,363 $ 4,869')
    expect(f.bareScales).toEqual([1, 1e3])
    expect(f.rows.map((r) => [r.label, r.figures.map((x) => [x.value, x.column])])).toEqual([
      [
        '(Dollars in thousands)',
        [
          [2019, 0],
          [2018, 1],
        ],
      ],
      [
        'Purchases of property',
        [
          [-1577, 0],
          [-1373, 1],
        ],
      ],
      [
        'Net income',
        [
          [5363, 0],
          [4869, 1],
        ],
      ],
    ])
    expect(f.rows[0]?.figures.every((x) => x.isYear)).toBe(true)
  })

  it("reads the changed number's own verdict when an equal figure stands earlier in the answer", () => {
    // swapping the digits of 21% gives 12%, the figure the answer states just before for the other year
    const source = 'Year Ended December 31, 2025 2024\nEffective tax rate 21 % 12 %'
    const answer = 'The effective tax rate went from 12% in FY 2024 to 21% in FY 2025.'
    const r = evaluateFactLock([{ id: 'seed-7', question: 'How did the effective tax rate change?', answer, sources: [source] }])
    expect(r.falseFlags).toEqual([])
    const swapped = perturbations(answer, extractNumbers(answer), 'seed-7').find((p) => p.kind === 'digits' && p.from === '21%')
    expect(swapped).toMatchObject({ to: '12%', text: 'The effective tax rate went from 12% in FY 2024 to 12% in FY 2025.' })
    // judged at its own place ("12% in FY 2025" is the 2024 cell), not as the earlier 12%, which is right
    expect(r.missed.filter((m) => m.kind === 'digits')).toEqual([])
  })
})
