/** One page of extracted text; `page` is 1-based. */
export interface PageText {
  readonly page: number
  readonly text: string
}

export interface CleanPage {
  readonly page: number
  readonly lines: readonly string[]
}

/** How many lines at the top and bottom of a page count as its header/footer zone. */
const EDGE_LINES = 3
const PAGE_NUMBER = /^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?(?:\s*(?:of|\/)\s*\d{1,4})?$/i

/**
 * Cleans extracted pages: drops running headers/footers (lines at a page's edge that repeat, digits
 * aside, on at least half the pages) and page-number lines, joins words hyphenated across lines and
 * normalises whitespace. Tab-separated table cells stay as they are, each row on its own line.
 */
export function cleanPages(pages: readonly PageText[], options: { dropEdges?: boolean } = {}): CleanPage[] {
  const split = pages.map((p) => ({ page: p.page, lines: splitLines(p.text) }))
  if (options.dropEdges === false) return split.map(({ page, lines }) => ({ page, lines: joinHyphenated(lines) }))
  const repeated = findRepeatedEdgeLines(split)
  return split.map(({ page, lines }) => {
    const kept = lines.filter((line, i) => {
      const atEdge = i < EDGE_LINES || i >= lines.length - EDGE_LINES
      if (!atEdge) return true
      if (PAGE_NUMBER.test(line) || repeated.exact.has(line)) return false
      // Lines equal up to their digits ("Page 3 of 9") count only as the very first or last line.
      return !((i === 0 || i === lines.length - 1) && repeated.digits.has(edgeKey(line)))
    })
    return { page, lines: joinHyphenated(kept) }
  })
}

function splitLines(text: string): string[] {
  const lines: string[] = []
  for (const raw of text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ')
    .split('\n')) {
    // Most lines have no tab: one cell, no split and join (same result, a fraction of the allocations).
    const line = raw.includes('\t')
      ? raw
          .split('\t')
          .map(squeeze)
          .join('\t')
          .replace(/^\t+|\t+$/g, '')
      : squeeze(raw)
    if (line.length > 0) lines.push(line)
  }
  return lines
}

/** Runs of spaces to one, ends trimmed. */
function squeeze(cell: string): string {
  return (cell.includes('  ') ? cell.replace(/ {2,}/g, ' ') : cell).trim()
}

function edgeKey(line: string): string {
  return line.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ')
}

function findRepeatedEdgeLines(pages: readonly { lines: readonly string[] }[]): { exact: Set<string>; digits: Set<string> } {
  // Below three pages a repeated line is as likely content as furniture.
  if (pages.length < 3) return { exact: new Set(), digits: new Set() }
  const exact = new Map<string, number>()
  const digits = new Map<string, number>()
  const bump = (m: Map<string, number>, keys: Iterable<string>): void => {
    for (const k of new Set(keys)) m.set(k, (m.get(k) ?? 0) + 1)
  }
  for (const { lines } of pages) {
    bump(exact, [...lines.slice(0, EDGE_LINES), ...lines.slice(-EDGE_LINES)])
    bump(digits, [lines[0], lines.at(-1)].filter((l): l is string => l !== undefined && /\d/.test(l)).map(edgeKey))
  }
  const threshold = Math.max(3, Math.ceil(pages.length * 0.5))
  const frequent = (m: Map<string, number>): Set<string> => new Set([...m].filter(([, n]) => n >= threshold).map(([k]) => k))
  return { exact: frequent(exact), digits: frequent(digits) }
}

function joinHyphenated(lines: readonly string[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    const prev = out.at(-1)
    if (prev !== undefined && /[\p{Ll}]-$/u.test(prev) && /^\p{Ll}/u.test(line) && !prev.includes('\t')) {
      out[out.length - 1] = prev.slice(0, -1) + line
    } else out.push(line)
  }
  return out
}
