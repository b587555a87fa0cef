import { describe, expect, it } from 'vitest'
import { parsePositiveInteger, parsePositiveNumber, parseSeed } from '../../finetune/cli/flags.js'

const USAGE = 'ragtune finetune something [--seed N]'

function code(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    return (err as { code?: string }).code
  }
}

describe('finetune CLI flag parsing (one place for every command)', () => {
  it('--seed takes any whole number, 0 and negatives included', () => {
    expect(parseSeed(undefined, USAGE)).toBeUndefined()
    expect(parseSeed('0', USAGE)).toBe(0)
    expect(parseSeed('42', USAGE)).toBe(42)
    expect(parseSeed('-7', USAGE)).toBe(-7)
  })

  it('--seed rejects fractions, words and empty values with invalid_arguments and the usage', () => {
    for (const bad of ['1.5', 'abc', '', ' ', '1e400', true]) expect(code(() => parseSeed(bad, USAGE))).toBe('invalid_arguments')
    expect(() => parseSeed('x', USAGE)).toThrow(/--seed needs a whole number, got "x"\nusage: ragtune finetune something/)
  })

  it('positive numbers and positive whole numbers', () => {
    expect(parsePositiveNumber('0.25', '--lr', USAGE)).toBe(0.25)
    expect(code(() => parsePositiveNumber('0', '--lr', USAGE))).toBe('invalid_arguments')
    expect(parsePositiveInteger('3', '--epochs', USAGE)).toBe(3)
    expect(parsePositiveInteger(undefined, '--epochs', USAGE)).toBeUndefined()
    for (const bad of ['0', '2.5', '-1', 'three'])
      expect(code(() => parsePositiveInteger(bad, '--epochs', USAGE))).toBe('invalid_arguments')
    expect(() => parsePositiveInteger('2.5', '--epochs', USAGE)).toThrow(/--epochs needs a whole number/)
  })
})
