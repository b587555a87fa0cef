import type { DocumentMeta } from '../documents.js'

/**
 * The short line indexed (and embedded) with every chunk, so a chunk from page 57 still says which
 * document, issuer, period and section it comes from: "3M 2018 Form 10-K | 3M | FY2018 | 10-K | Item 7 > Results".
 */
export function contextualHeader(meta: DocumentMeta, sectionPath: readonly string[]): string {
  const parts = [meta.title]
  if (meta.company !== undefined && !meta.title.toLowerCase().includes(meta.company.toLowerCase())) parts.push(meta.company)
  if (meta.fiscalYear !== undefined) parts.push(`FY${meta.fiscalYear}${meta.fiscalQuarter === undefined ? '' : ` Q${meta.fiscalQuarter}`}`)
  if (meta.docType !== undefined) parts.push(meta.docType)
  // Deep paths are mostly noise for search; the innermost three say enough.
  const section = sectionPath.slice(-3).map((s) => (s.length > 80 ? `${s.slice(0, 77)}...` : s))
  if (section.length > 0) parts.push(section.join(' > '))
  return parts.join(' | ')
}
