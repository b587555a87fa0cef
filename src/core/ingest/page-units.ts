/**
 * What a document's "pages" are. PDFs (and HTML filings with page breaks) have real pages; slides,
 * sheets and HTML/DOCX sections are the stable units other formats are cut into. Chunks and citations
 * keep 1-based unit numbers either way; this says how to name them to a reader.
 */
export type UnitKind = 'page' | 'slide' | 'sheet' | 'section'

export interface PageUnits {
  readonly kind: UnitKind
  /** a name per unit (sheet names, section headings), index 0 = unit 1 */
  readonly names?: string[]
}

/** "p. 3", "p. 3-4", "slide 3", "sheet Revenue", "section 2 (Risk Factors)"; no units = pages. */
export function locateUnits(units: PageUnits | undefined, start: number, end: number): string {
  const kind = units?.kind ?? 'page'
  if (kind === 'page') return start === end ? `p. ${start}` : `p. ${start}-${end}`
  const name = (n: number): string => {
    const named = units?.names?.[n - 1]
    if (kind === 'sheet') return named === undefined || named === '' ? `sheet ${n}` : `sheet ${named}`
    return named === undefined || named === '' ? `${kind} ${n}` : `${kind} ${n} (${named})`
  }
  return start === end ? name(start) : `${name(start)} to ${name(end)}`
}
