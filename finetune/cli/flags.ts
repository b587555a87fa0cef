import { AppError } from '../../src/errors.js'

/** Numeric flag values: undefined stays undefined, anything not a positive number is `invalid_arguments`. */
export function parsePositiveNumber(value: unknown, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n <= 0) {
    throw new AppError(
      'invalid_arguments',
      `${flag} needs a positive number, got "${typeof value === 'string' ? value : typeof value}"\nusage: ${usage}`,
    )
  }
  return n
}

/** A positive whole number (epochs, batch size), or undefined when not given. */
export function parsePositiveInteger(value: unknown, flag: string, usage: string): number | undefined {
  const n = parsePositiveNumber(value, flag, usage)
  if (n !== undefined && !Number.isInteger(n)) throw new AppError('invalid_arguments', `${flag} needs a whole number\nusage: ${usage}`)
  return n
}

/** `--seed`: any whole number (0 and negatives included); undefined when not given. */
export function parseSeed(value: unknown, usage: string): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n))
    throw new AppError(
      'invalid_arguments',
      `--seed needs a whole number, got "${typeof value === 'string' ? value : typeof value}"\nusage: ${usage}`,
    )
  return n
}

export function stringFlag(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
