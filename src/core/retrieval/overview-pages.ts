import type { ChunkHit, Corpus } from '../corpus.js'
import { editDistance } from './routing-table.js'
import { tokenize } from './query-analysis.js'

/**
 * Which pages answer "tell me about X": the rule is the one an analyst follows when opening a filing.
 * A 10-K or 10-Q is read at its business overview and MD&A summary (searched with the words those
 * sections print) and its income statement (the statement list); a current report (8-K) or an earnings
 * release leads with its news: its first pages, headline and headline table.
 */
export const OVERVIEW_QUERY = [
  'overview',
  'business',
  'segments',
  'segment',
  'products',
  'services',
  'customers',
  'highlights',
  'results',
  'operations',
  'strategy',
  'outlook',
]

/** document types whose first pages are the news rather than a form cover */
const LEAD_TYPES = new Set(['8-K', 'earnings'])
/** leading chunks read per such document */
const LEAD_CHUNKS = [0, 1, 2]
/** documents read for lead pages per question */
const MAX_DOCUMENTS = 6

export async function leadChunks(corpus: Corpus, documentIds: readonly string[]): Promise<ChunkHit[]> {
  const perDocument = await Promise.all(documentIds.slice(0, MAX_DOCUMENTS).map((id) => corpus.getChunks(id, LEAD_CHUNKS)))
  const leads = perDocument.map((hits) => hits.filter((h) => h.meta.docType !== undefined && LEAD_TYPES.has(h.meta.docType)))
  // documents alternate, so each one's first page ranks before any one's third
  const out: ChunkHit[] = []
  for (let i = 0; i < LEAD_CHUNKS.length; i++) for (const hits of leads) if (hits[i] !== undefined) out.push(hits[i] as ChunkHit)
  return out
}

/** Held-document lines with the issuers closest in spelling to the missing names first. */
export function closestFirst(held: readonly string[], missing: readonly string[]): readonly string[] {
  if (missing.length === 0) return held
  const targets = missing.map((m) => tokenize(m).join(''))
  const distance = (line: string): number => {
    const name = tokenize(line.split(':')[0] ?? line).join('')
    return Math.min(...targets.map((t) => editDistance(t, name, Math.max(t.length, name.length))))
  }
  return [...held]
    .map((line) => ({ line, d: distance(line) }))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.line)
}
