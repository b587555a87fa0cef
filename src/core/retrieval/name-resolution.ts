import type { Corpus } from '../corpus.js'
import type { AnalyzedQuery } from './query-analysis.js'
import type { RouteDecision, RoutingTable } from './routing-table.js'
import { isOverview, isOverviewWord } from './question-intent.js'
import { STOP_WORDS } from './stop-words.js'

/**
 * A question that routed to no issuer may still name one: misspelt ("micorsoft"), by a product only one
 * issuer's filings talk about ("Azure", "Comirnaty"), or a company the store does not hold at all
 * ("Nvidia"). Checked only when routing found no issuer, with one keyword search per name-like word.
 */
export type NameResolution =
  | { readonly kind: 'none' }
  /** the question rewritten so routing reads the issuer it meant */
  | { readonly kind: 'rewrite'; readonly question: string }
  | { readonly kind: 'off-corpus'; readonly missing: readonly string[] }

/** hits read to judge how a name spreads over the store */
const SPREAD_HITS = 100
/** a name is one issuer's own (a product, a brand) when that issuer holds this share of its hits … */
const OWNER_SHARE = 0.8
/** … and at least this many of them */
const OWNER_HITS = 10
/** a name that occurs in the filings of this share of issuers is a general term (a country, "COVID") */
const GENERAL_SPREAD = 0.6
/** hits a general term is expected to have per issuer among the first SPREAD_HITS (a few pages each) */
const HITS_PER_ISSUER = 4

const PERIOD = /^(?:fy\d*|q[1-4]\w*|(?:19|20)\d\d|\d+)$/

export async function resolveNames(
  corpus: Corpus,
  table: RoutingTable,
  query: AnalyzedQuery,
  decision: RouteDecision,
): Promise<NameResolution> {
  const absent = async (words: readonly string[]): Promise<boolean> =>
    (await corpus.keywordSearch({ terms: words.length === 1 ? words : [], phrases: words.length > 1 ? [words] : [], limit: 1 })).length ===
    0

  // misspelt issuer: a word no document contains, one edit from an issuer's name
  const near = table.nearIssuers(query, decision.consumed)
  const fixes: { index: number; company: string }[] = []
  for (const n of near) if (await absent([query.tokens[n.index] ?? ''])) fixes.push(n)
  if (fixes.length > 0) {
    const words = [...query.cased]
    for (const f of fixes) words[f.index] = f.company
    return { kind: 'rewrite', question: words.join(' ') }
  }

  const names = await judgeNames(corpus, table, query, decision.consumed)
  if (names.owner !== undefined) return { kind: 'rewrite', question: `${query.question} (${names.owner})` }
  return names.missing.length > 0 ? { kind: 'off-corpus', missing: names.missing } : { kind: 'none' }
}

/** A comparison that names a stored issuer and one the store does not hold ("Pfizer vs Nvidia"). */
const COMPARISON = /\b(?:compare[sd]?|comparison|comparing|vs\.?|versus|against|relative to|than|both)\b/i

/**
 * For a comparison routed to at least one issuer: the other names it uses that no stored issuer
 * matches, so the answer can say that side is not covered. Other questions are not checked (no cost).
 */
export async function unheldSides(
  corpus: Corpus,
  table: RoutingTable,
  query: AnalyzedQuery,
  decision: RouteDecision,
): Promise<readonly string[]> {
  if (!COMPARISON.test(query.question)) return []
  return (await judgeNames(corpus, table, query, decision.consumed)).missing
}

/**
 * Each name-like run of words, judged by how it spreads over the store: in no document, or only in
 * passing where a name stands → missing; concentrated in one issuer's filings → that issuer's (owner).
 */
async function judgeNames(
  corpus: Corpus,
  table: RoutingTable,
  query: AnalyzedQuery,
  consumed: ReadonlySet<number>,
): Promise<{ missing: string[]; owner?: string }> {
  const missing: string[] = []
  for (const name of nameCandidates(query, consumed)) {
    // a capitalised first word ("Compare", "Summarise") is how sentences start, not a name
    if (!name.entityPosition) continue
    const hits = await corpus.keywordSearch({
      terms: name.words.length === 1 ? name.words : [],
      phrases: name.words.length > 1 ? [name.words] : [],
      limit: SPREAD_HITS,
    })
    if (hits.length === 0) {
      missing.push(name.text)
      continue
    }
    if (name.acronym) continue
    const perIssuer = new Map<string, number>()
    for (const h of hits) {
      const key = table.issuerOf(h.documentId) ?? h.documentId
      perIssuer.set(key, (perIssuer.get(key) ?? 0) + 1)
    }
    const [ownerKey, ownerHits] = [...perIssuer].sort((a, b) => b[1] - a[1])[0] ?? ['', 0]
    const owner = table.issuerName(ownerKey)
    if (owner !== undefined && ownerHits >= OWNER_HITS && ownerHits / hits.length >= OWNER_SHARE) return { missing, owner }
    // spread over the issuers its hits could reach: SPREAD_HITS hits cannot touch 60 % of a store of
    // hundreds of issuers, and a general term must not become a missing name as the store grows
    if (perIssuer.size < GENERAL_SPREAD * Math.min(table.issuerCount, SPREAD_HITS / HITS_PER_ISSUER)) missing.push(name.text)
  }
  return { missing }
}

interface NameCandidate {
  readonly words: readonly string[]
  /** as written */
  readonly text: string
  /** all capitals ("NVDA", "EBITDA"): an unknown symbol when no document has it, else a term of art */
  readonly acronym: boolean
  /** written as a name is: possessive, capitalised inside the sentence, or the subject of an overview question */
  readonly entityPosition: boolean
}

/** Runs of words written as names are, not stop words, summary words or periods. */
function nameCandidates(query: AnalyzedQuery, consumed: ReadonlySet<number>): NameCandidate[] {
  const overview = isOverview(query, consumed)
  const out: NameCandidate[] = []
  let run: number[] = []
  const flush = (): void => {
    if (run.length === 0) return
    const words = run.map((i) => query.tokens[i] ?? '')
    const cased = run.map((i) => query.cased[i] ?? '')
    const last = run[run.length - 1] ?? 0
    const possessive = query.tokens[last + 1] === 's'
    const inside = (run[0] ?? 0) > 0 && query.capitalized.has(run[0] ?? 0)
    const acronym = cased.every((w) => w.length >= 2 && w === w.toUpperCase() && /[A-Z]/.test(w))
    const hyphenated = cased.join('-')
    const text = run.length > 1 && query.question.includes(hyphenated) ? hyphenated : cased.join(' ')
    // the name is the question's subject when all else only asks for an overview or names a document ("Boeing 10-K")
    const subject = isOverview(query, new Set([...consumed, ...run]))
    out.push({ words, text, acronym, entityPosition: possessive || inside || subject || acronym })
    run = []
  }
  query.tokens.forEach((t, i) => {
    const nameLike =
      !consumed.has(i) &&
      t.length >= 2 &&
      !STOP_WORDS.has(t) &&
      !isOverviewWord(t) &&
      !PERIOD.test(t) &&
      !COMPARISON.test(t) &&
      (query.capitalized.has(i) || query.tokens[i + 1] === 's' || overview)
    if (nameLike) run.push(i)
    else flush()
  })
  flush()
  return out
}
