/**
 * Sentence boundaries for English prose, good enough to never cut a passage mid-sentence: a terminal
 * mark (. ! ?), optional closing quotes/brackets, whitespace, then something that can open a sentence.
 * Abbreviations and initials ("Mr.", "Inc.", "U.S.", "W. Buffett") are not boundaries.
 */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'inc',
  'co',
  'corp',
  'ltd',
  'llc',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'u.s',
  'u.k',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'approx',
  'gen',
  'gov',
  'rep',
  'sen',
  'mt',
  'ft',
  'p.m',
  'a.m',
  'cf',
])
/** "No. 1", "Vol. 3": abbreviations only when a number follows; "he said no." ends a sentence. */
const NUMBERED = new Set(['no', 'nos', 'vol', 'fig', 'p', 'pp'])

const BOUNDARY = /([.!?])(["'”’)\]]*)(\s+)(?=["'“‘([]?[A-Z0-9$])/g

export function splitSentences(paragraph: string): string[] {
  const text = paragraph.trim()
  if (text === '') return []
  const out: string[] = []
  let start = 0
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + m[1]!.length + m[2]!.length
    if (m[1] === '.') {
      const before = text.slice(start, m.index)
      const lastWord = /([A-Za-z][A-Za-z.]*)$/.exec(before)?.[1]?.toLowerCase() ?? ''
      // A single capital letter before the dot is an initial; known abbreviations do not end sentences.
      if (ABBREVIATIONS.has(lastWord) || (/^[a-z]$/.test(lastWord) && !NUMBERED.has(lastWord))) continue
      if (NUMBERED.has(lastWord) && m[2] === '' && /\d/.test(text.charAt(end + m[3]!.length))) continue
    }
    const sentence = text.slice(start, end).trim()
    if (sentence !== '') out.push(sentence)
    start = end + m[3]!.length
  }
  const tail = text.slice(start).trim()
  if (tail !== '') out.push(tail)
  return out
}

export function countWords(text: string): number {
  const m = text.match(/\S+/g)
  return m === null ? 0 : m.length
}

/** Ends like a finished sentence (or a salutation's colon), possibly inside closing quotes/brackets. */
export function endsSentence(text: string): boolean {
  return /[.!?:]["'”’)\]*†‡]*\s*$/.test(text)
}
