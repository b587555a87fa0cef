import { Parser } from 'htmlparser2'
import type { PageText } from '../../core/ingest/clean-pages.js'
import type { PageUnits } from '../../core/ingest/page-units.js'

/** Elements whose content is never visible text. `ix:header` holds an inline-XBRL filing's hidden facts. */
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'ix:header', 'svg', 'object', 'iframe'])
/** Elements that end a line of text. */
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'nav',
  'blockquote',
  'pre',
  'center',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tbody',
  'thead',
  'tfoot',
  'caption',
  'figure',
  'figcaption',
  'address',
  'body',
])
const HEADING = /^h([1-6])$/
const BREAK_BEFORE = /(?:^|;)\s*(?:page-)?break-before\s*:\s*(?:always|page)/i
const BREAK_AFTER = /(?:^|;)\s*(?:page-)?break-after\s*:\s*(?:always|page)/i
const NOT_DISPLAYED = /(?:^|;)\s*display\s*:\s*none/i
/** A section of a document without page breaks ends at this many characters (at a line's end). */
const SECTION_CHARS = 12_000

/**
 * Visible text of an HTML document (EDGAR filings and inline XBRL included) as pages of lines: headings
 * as Markdown `#` lines, each table row as one tab-separated line, everything else one line per block.
 * Pages end where the document breaks them (CSS page-break-before/after, `<hr>`), as EDGAR filings do;
 * a document without page breaks is cut into sections at its top headings instead, so citations still
 * name a stable place. Streams through htmlparser2: no DOM is built.
 */
export function htmlToPages(html: string): { pages: PageText[]; units: PageUnits } {
  const pages: string[][] = [[]]
  let line = ''
  let hidden = 0
  let heading = 0
  let row: string[] | undefined
  let cell: string | undefined
  let breaks = 0
  // Per open element: what to undo at its close (hidden counted, page break after).
  const stack: { name: string; hides: boolean; breakAfter: boolean }[] = []

  const current = (): string[] => pages[pages.length - 1] ?? []
  const flush = (): void => {
    const text = line.replace(/\s+/g, ' ').trim()
    line = ''
    if (text === '') return
    current().push(heading > 0 ? `${'#'.repeat(heading)} ${text.replace(/^#+\s*/, '')}` : text)
  }
  const pageBreak = (): void => {
    flush()
    breaks++
    // Consecutive breaks (a styled div followed by an <hr>) make one break, not an empty page.
    if (current().length > 0) pages.push([])
  }
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const style = attrs.style ?? ''
        const hides = HIDDEN.has(name) || NOT_DISPLAYED.test(style) || 'hidden' in attrs
        stack.push({ name, hides, breakAfter: BREAK_AFTER.test(style) })
        if (hides) hidden++
        if (hidden > 0) return
        if (BREAK_BEFORE.test(style)) pageBreak()
        if (name === 'hr') return pageBreak()
        if (name === 'tr') {
          flush()
          row = []
        } else if ((name === 'td' || name === 'th') && row !== undefined) cell = ''
        else if (name === 'br' && cell !== undefined) cell += ' '
        else if (BLOCK.has(name) && cell === undefined) flush()
        const level = HEADING.exec(name)?.[1]
        if (level !== undefined) heading = Number(level)
      },
      ontext(text) {
        if (hidden > 0) return
        if (cell !== undefined) cell += text
        else line += text
      },
      onclosetag(name) {
        // Close up to the matching open element; htmlparser2 reports implied closes too.
        let index = stack.length - 1
        while (index >= 0 && stack[index]?.name !== name) index--
        if (index < 0) return
        const closing = stack.splice(index)
        const wasHidden = hidden > 0
        for (const open of closing) if (open.hides) hidden--
        if (wasHidden) return
        if ((name === 'td' || name === 'th') && row !== undefined && cell !== undefined) {
          row.push(cell.replace(/\s+/g, ' ').trim())
          cell = undefined
        } else if (name === 'tr' && row !== undefined) {
          const cells = joinCurrencyCells(row)
          if (cells.length > 0) current().push(cells.join('\t'))
          row = undefined
        } else if (HEADING.test(name)) {
          flush()
          heading = 0
        } else if (BLOCK.has(name) && cell === undefined) flush()
        if (closing.some((open) => open.breakAfter)) pageBreak()
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  )
  parser.write(html)
  parser.end()
  flush()
  const kept = pages.filter((p) => p.length > 0)
  if (breaks > 0 && kept.length > 1) {
    return { pages: kept.map((lines, i) => ({ page: i + 1, text: lines.join('\n') })), units: { kind: 'page' } }
  }
  return sections(kept.flat())
}

/**
 * EDGAR tables put "$" and "%" / ")" in cells of their own and pad rows with empty spacer cells: one
 * figure becomes one cell again, and empty cells go.
 */
function joinCurrencyCells(cells: readonly string[]): string[] {
  const out: string[] = []
  let prefix = ''
  for (const c of cells) {
    if (c === '') continue
    if (/^[$€£]$/.test(c)) {
      prefix = c
      continue
    }
    if (/^(?:%|\)|\)%|%\))$/.test(c) && out.length > 0) {
      out[out.length - 1] += c
      continue
    }
    out.push(prefix + c)
    prefix = ''
  }
  return out
}

/** Cuts lines into sections at the document's two outermost heading levels, or by size when it has none. */
function sections(lines: readonly string[]): { pages: PageText[]; units: PageUnits } {
  const levels = lines.map((l) => /^(#{1,6}) /.exec(l)?.[1]?.length).filter((n) => n !== undefined)
  const top = levels.length === 0 ? 0 : Math.min(...levels) + 1
  const out: { lines: string[]; name: string }[] = []
  let size = 0
  for (const l of lines) {
    const level = /^(#{1,6}) /.exec(l)?.[1]?.length
    const last = out.at(-1)
    const startsSection = level !== undefined && level <= top
    // Text before the first heading (a banner, a nav line) belongs to the first section, not one of its own.
    const hasBody = last !== undefined && last.name !== '' && last.lines.some((x) => !x.startsWith('#'))
    if (last === undefined || (startsSection && hasBody) || size > SECTION_CHARS) {
      out.push({ lines: [l], name: startsSection ? l.replace(/^#+ /, '') : '' })
      size = l.length
    } else {
      last.lines.push(l)
      if (startsSection && last.name === '') last.name = l.replace(/^#+ /, '')
      size += l.length
    }
  }
  return {
    pages: out.map((s, i) => ({ page: i + 1, text: s.lines.join('\n') })),
    units: { kind: 'section', names: out.map((s) => (s.name.length > 60 ? `${s.name.slice(0, 57)}...` : s.name)) },
  }
}
