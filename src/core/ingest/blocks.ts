import type { CleanPage } from './clean-pages.js'

export type BlockKind = 'heading' | 'paragraph' | 'table'

export interface Block {
  readonly kind: BlockKind
  readonly text: string
  readonly page: number
  /** nesting level of a heading: 1 outermost (PART, #), larger is deeper */
  readonly level?: number
}

const NUMBER_CELL = /^[(]?[-–]?[$€£]?[(]?\d[\d,]*(?:\.\d+)?%?[)]?$|^[-–—]$/

/**
 * Turns cleaned pages into headings, paragraphs and tables. Lines wrapped inside a paragraph are
 * joined with spaces; table rows (tab-separated cells, or lines that are mostly figures) stay one per
 * line so a row's label and its numbers never separate. Blocks never cross a page.
 */
export function detectBlocks(pages: readonly CleanPage[], options: { markdown?: boolean } = {}): Block[] {
  const blocks: Block[] = []
  for (const { page, lines } of pages) {
    const width = Math.max(40, ...lines.map((l) => l.length))
    let paragraph: string[] = []
    let table: string[] = []
    const flushParagraph = (): void => {
      if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' '), page })
      paragraph = []
    }
    const flushTable = (): void => {
      // A lone "row" is usually a sentence with two numbers in it.
      if (table.length === 1) paragraph.push(table[0] ?? '')
      else if (table.length > 1) blocks.push({ kind: 'table', text: table.join('\n'), page })
      table = []
    }
    for (const line of lines) {
      const level = headingLevel(line, options.markdown ?? false)
      if (level !== undefined) {
        flushTable()
        flushParagraph()
        blocks.push({ kind: 'heading', text: line.replace(/^#{1,6}\s+/, ''), page, level })
        continue
      }
      if (isTableRow(line)) {
        if (table.length === 0) flushParagraph()
        table.push(line)
        continue
      }
      flushTable()
      if (/^(?:[•▪●◦*-]|\d{1,2}[.)])\s/.test(line)) flushParagraph()
      paragraph.push(line)
      // A short line that ends a sentence ends its paragraph (pdf text has no blank lines between them).
      if (/[.!?:]["”’)]?$/.test(line) && line.length < width * 0.8) flushParagraph()
    }
    flushTable()
    flushParagraph()
  }
  return blocks
}

export function isTableRow(line: string): boolean {
  if (line.includes('\t')) return true
  if (/[.;]$/.test(line) && !/\d\.$/.test(line)) return false
  // A figure cell holds a digit or is a lone dash: a line with neither has no figures (most prose).
  if (!/[\d\-–—]/.test(line)) return false
  const tokens = line.split(' ').filter((t) => t !== '$' && t !== '%')
  const numbers = tokens.filter((t) => NUMBER_CELL.test(t)).length
  return numbers >= 2 && numbers / tokens.length >= 0.3
}

export function headingLevel(line: string, markdown: boolean): number | undefined {
  if (markdown) {
    const m = /^(#{1,6})\s+\S/.exec(line)
    if (m !== null) return m[1]?.length
  }
  if (line.includes('\t')) return undefined
  if (/^part\s+[ivx]+\b/i.test(line) && line.length <= 60) return 1
  // 10-K item titles run long ("Item 5. Market for Registrant's Common Equity, Related ...").
  if (/^item\s+\d{1,2}[a-c]?\b[.:]?/i.test(line) && line.length <= 200 && !/\.\s+\p{Lu}[^.]*\.\s/u.test(line.slice(8))) return 2
  if (line.length > 90) return undefined
  if (/^note\s+\d{1,2}\b/i.test(line) && line.length <= 80) return 3
  if (/[.,;]$/.test(line)) return undefined
  const numbered = /^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+\p{Lu}[^\d]{2,}$/u.exec(line)
  if (numbered !== null && line.length <= 70 && line.split(' ').length <= 9) {
    return 2 + (numbered[1]?.split('.').length ?? 1)
  }
  const letters = line.replace(/[^\p{L}]/gu, '')
  if (letters.length >= 4 && line.length <= 70 && letters === letters.toUpperCase() && !isTableRow(line)) return 3
  return undefined
}
