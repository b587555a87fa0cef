import { describe, expect, it } from 'vitest'
import { goldFigure, showsFigure } from '../../src/core/answer/gold-figure.js'

describe('gold figures', () => {
  it('reads trailing zeros as formatting: "$8.70" is shown by 8,738 in a table in millions, "$8.60" is not', () => {
    const gold = goldFigure('$8.70')!
    expect(gold.decimals).toBe(1)
    expect(showsFigure('Property, plant and equipment net 8,738 8,866 [1]', gold)).toBe(true)
    expect(showsFigure('Property, plant and equipment net 8,638 8,566 [1]', gold)).toBe(false)
  })

  it('keeps the precision a figure really writes', () => {
    const gold = goldFigure('The ratio was 0.69.')!
    expect(gold.decimals).toBe(2)
    expect(showsFigure('quick ratio 0.7', gold)).toBe(false)
  })
})
