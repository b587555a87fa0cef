import type { ExtractedNumber } from './numbers.js'

/**
 * Numbers in an answer that are not amounts: years, days of a date, durations ("12 months ended"), list
 * numbering ("(1) Current Health"), the "$1" of "per $1 of revenue" and names such as "3M". They name *when* or *which*, so
 * they are checked as periods (a year must be one the cited sources speak of) or not at all, never
 * matched against the sources' figures, where "28" or "12" would be found by accident or missed.
 */
export type NumberContext = 'year' | 'date' | 'duration' | 'list' | 'unit' | 'name'

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)'
const MONTH_BEFORE = new RegExp(`\\b${MONTH}\\.?\\s+$`, 'i')
const MONTH_AFTER = new RegExp(`^(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\b`, 'i')
// "12 months", "three-year" is not a figure; "52 weeks", "2 quarters". Days are left out on purpose:
// "45 days" is often the answer itself (days sales outstanding), so it is checked as an amount.
const DURATION_AFTER = /^\s*(?:months?|weeks?|years?|quarters?|fiscal\s+(?:years?|quarters?))\b/i
const LIST_ITEM_AFTER = /^\s*[A-Z\p{Lu}]/u
const PER_UNIT = /^\s+of\b/i
const PER_UNIT_BEFORE = /\b(?:per|each|every)\s+$/i

function isPlainInteger(n: ExtractedNumber): boolean {
  return n.decimals === 0 && n.scale === undefined && !n.percent && /^\d+$/.test(n.raw)
}

/** The context a number is written in, or undefined when it is an amount to check. */
export function numberContext(n: ExtractedNumber, text: string): NumberContext | undefined {
  const before = text.slice(Math.max(0, n.index - 24), n.index)
  const after = text.slice(n.index + n.raw.length, n.index + n.raw.length + 32)
  // "3M", "7UP": a capital single-letter "scale" glued to a bare integer is a name; amounts carry a
  // currency sign or a space ("$3M", "3 M")
  if (n.decimals === 0 && !n.percent && /^\d+[MBK]$/.test(n.raw)) return 'name'
  if (isPlainInteger(n) && n.value >= 1900 && n.value <= 2100) return 'year'
  if (isPlainInteger(n) && n.value >= 1 && n.value <= 31 && (MONTH_BEFORE.test(before) || MONTH_AFTER.test(after))) return 'date'
  if (isPlainInteger(n) && DURATION_AFTER.test(after)) return 'duration'
  // "(1) Current Health", "1) …", or "2." opening a line
  if (/^\(\d{1,2}\)$/.test(n.raw) && LIST_ITEM_AFTER.test(after)) return 'list'
  if (isPlainInteger(n) && n.value < 20 && /(?:^|\n)\s*$/.test(before) && /^[.)]\s/.test(after)) return 'list'
  if (n.value === 1 && n.decimals === 0 && !n.percent && n.scale === undefined && (PER_UNIT.test(after) || PER_UNIT_BEFORE.test(before)))
    return 'unit'
  return undefined
}
