import { endsSentence } from './sentences.js'

/**
 * Turns extracted letter text into prose paragraphs. Sample files come from PDF text extraction, so lines
 * are hard-wrapped, some files are double-spaced (a blank line after every line), page numbers and
 * dotted financial tables sit in the middle of sentences. Rules:
 * - a blank line or an indented line ends a paragraph only when the text so far ends a sentence, so
 *   double spacing and page breaks never cut a sentence;
 * - table rows, page numbers, rules and short headings are dropped (headings also end a paragraph);
 * - lines are joined with a space; a line ending in "-" is joined without one (the hyphen is kept,
 *   because these letters hyphenate real compounds at line ends far more often than they split words).
 */
export function isJunkLine(line: string): boolean {
  const t = line.trim()
  if (t === '') return false
  if (/^[-–—]?\s*(page\s+)?\d{1,3}\s*[-–—]?$/i.test(t)) return true // page number
  if (/^[-=_*·•.\s]{3,}$/.test(t)) return true // rule or separator
  if (/\.\s?\.\s?\.\s?\./.test(t)) return true // dotted leader of a table row
  if (/^\|.*\|$/.test(t) || /^\|?\s*:?-{3,}/.test(t)) return true // markdown table
  // Column layouts (tables, signature blocks) and centred titles: prose never has wide interior gaps.
  if (/^\s{16,}/.test(line)) return true
  const gaps = [...t.matchAll(/(\S)(\s{4,})\S/g)]
  if (gaps.length >= 2) return true
  const gap = gaps[0]
  // Typewritten letters put several spaces after a full stop; a table or signature block has no stop.
  if (gap !== undefined && (gap[2]!.length >= 8 || !/[.!?,;:]/.test(gap[1]!))) return true
  const words = t.split(/\s+/)
  const wordish = words.filter((w) => /[A-Za-z]{2,}/.test(w)).length
  if (words.length >= 3 && wordish / words.length < 0.4) return true
  return false
}

function isHeading(line: string, next: string | undefined): boolean {
  const t = line.trim().replace(/^#+\s*/, '')
  if (/^#{1,6}\s/.test(line.trim())) return true
  const words = t.split(/\s+/).length
  // Letterheads and section titles in capitals ("BERKSHIRE HATHAWAY INC.") may carry a full stop.
  if (words <= 10 && /[A-Z]/.test(t) && !/[a-z]/.test(t)) return true
  if (words > 10 || endsSentence(t) || /[,;]$/.test(t)) return false
  // A short unterminated line followed by a blank line or a capitalised new line reads as a title.
  return next === undefined || next.trim() === '' || /^\s*["“(]?[A-Z]/.test(next)
}

const BULLET = /^\s*(?:[‹•●▪◦·*+–Š-]|o(?=\s+[A-Z]))\s+(?=\S)/

const SALUTATION =
  /^(?:to (?:the|our|all)\b[^.!?]{0,80}|dear\b[^.!?]{0,60}|(?:fellow )?(?:shareholders|shareowners|stockholders))[.]?[:,]$/i

export interface ParagraphOptions {
  /** markdown samples: `#` headings and list markers are structure, not text */
  readonly markdown?: boolean
}

export function toParagraphs(text: string, options: ParagraphOptions = {}): string[] {
  // NFKC undoes PDF ligatures ("ﬁ" → "fi") so words match across letters.
  const lines = text
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/\u00ad/g, '')
    .split('\n')
  const paragraphs: string[] = []
  let current = ''
  const flush = (): void => {
    const p = current.replace(/\s+/g, ' ').trim()
    // A salutation is letter furniture: an answer that opens "To the Shareholders:" teaches the wrong thing.
    if (p !== '' && !SALUTATION.test(p)) paragraphs.push(p)
    current = ''
  }
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? ''
    if (options.markdown === true) line = line.replace(/^(\s*)\d+\.\s+/, '$1- ').replace(/[*_`]{1,3}([^*_`]+)[*_`]{1,3}/g, '$1')
    // A bullet starts its own paragraph; the marker is layout, not text (PDF bullets arrive as ‹, •, o).
    const bullet = BULLET.exec(line)
    // Only where a paragraph may end: "- as it must -" can continue a sentence on its next line.
    if (bullet !== null && (current === '' || endsSentence(current))) {
      flush()
      line = line.slice(bullet[0].length)
    }
    const trimmed = line.trim()
    const done = current === '' || endsSentence(current)
    if (trimmed === '') {
      // "…two pillars of customer experience:" + blank + "selection and convenience." is one sentence.
      const next = lines.slice(i + 1).find((l) => l.trim() !== '')
      if ((done || SALUTATION.test(current.trim())) && (next === undefined || !/^\s*[a-z]/.test(next))) flush()
      continue
    }
    if (isJunkLine(line)) continue
    // Headings only where a paragraph may end: the last words of a wrapped sentence are no title.
    if (
      done &&
      isHeading(
        line,
        lines.slice(i + 1).find((l) => l.trim() !== '' && !isJunkLine(l)),
      )
    ) {
      flush()
      continue
    }
    if (done && /^\s{3,}\S/.test(line)) flush()
    if (current === '') current = trimmed
    else current = current.endsWith('-') && !current.endsWith(' -') ? current + trimmed : `${current} ${trimmed}`
  }
  flush()
  return paragraphs
}
