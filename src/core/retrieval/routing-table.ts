import type { DocumentSummary } from '../documents.js'
import type { SearchFilter } from '../corpus.js'
import type { AnalyzedQuery } from './query-analysis.js'
import { tokenize } from './query-analysis.js'
import { PhraseIndex } from './concept-matcher.js'
import { withoutLegalForm } from '../ingest/issuer-spelling.js'

/** Which documents a question is about, and which of its tokens said so (they are not search terms). */
export interface RouteDecision {
  readonly filter: SearchFilter | undefined
  readonly reason: string
  /** token positions that named the company or document type */
  readonly consumed: ReadonlySet<number>
  /**
   * Two or more sides when the question names several issuers, or one issuer in periods no single
   * filing covers ("3M 2018 vs 2022"): each side is searched with its own share of the sources.
   */
  readonly sides?: readonly RouteSide[]
  /** display names of the issuers the question named */
  readonly companies?: readonly string[]
}

export interface RouteSide {
  /** "3M", "Microsoft 2016": how the prompt and the extractive answer name the side */
  readonly label: string
  readonly documentIds: readonly string[]
}

interface Entry {
  readonly id: string
  readonly title: string
  readonly company: string | undefined
  readonly year: number | undefined
  readonly quarter: number | undefined
  readonly docType: string | undefined
  readonly date: string | undefined
}

/** How questions name document types; keys are the normalised DocumentMeta.docType values. */
const TYPE_MENTIONS: Readonly<Record<string, readonly string[]>> = {
  '10-K': ['10 k', '10k', 'annual report', 'form 10 k', 'annual filing'],
  '10-Q': ['10 q', '10q', 'quarterly report', 'quarterly filing'],
  '8-K': ['8 k', '8k', 'current report'],
  earnings: ['earnings release', 'earnings report', 'earnings call', 'earnings presentation', 'press release', 'earnings'],
  'annual-report': ['annual report'],
  letter: ['shareholder letter', 'letter to shareholders'],
}

const DAY_MS = 86_400_000

const PERIODIC = new Set(['10-K', '10-Q', 'annual-report', 'earnings'])

function recency(e: Entry): number {
  return (e.year ?? 0) * 10 + (e.quarter ?? 5)
}

function supersedes(newer: Entry, older: Entry): boolean {
  return older.docType !== undefined && PERIODIC.has(older.docType) && newer.docType === older.docType && recency(newer) > recency(older)
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

function compact(text: string): string {
  return tokenize(text).join('')
}

/** The name's words without legal-form suffixes: "Best Buy Co., Inc." → best, buy. */
function nameWords(company: string): string[] {
  return tokenize(
    company.replace(/\b(?:inc|incorporated|corp|corporation|co|company|plc|ltd|llc|n\.?v|s\.?a|ag|group|holdings)\b\.?/gi, ' '),
  )
}

function strippedName(company: string): string {
  return nameWords(company).join('')
}

/** The name as a person writes it: legal form dropped, an all-capitals spelling given title case ("MICROSOFT" → "Microsoft"). */
export function displayCompany(company: string): string {
  const bare = withoutLegalForm(company.trim())
  if (bare !== bare.toUpperCase() || /\d/.test(bare)) return bare
  return bare
    .split(/\s+/)
    .map((w) => (w.length <= 2 ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join(' ')
}

function describeDocument(e: Entry, company: string): string {
  const words = tokenize(company).join('')
  // a title that starts with the issuer and then the period ("3M 2018 Form 10-K") is shown without it
  const titleWords = e.title.split(/\s+/)
  for (let n = titleWords.length - 1; n >= 1; n--) {
    if (!/^\d/.test(titleWords[n] ?? '')) continue
    if (
      tokenize(titleWords.slice(0, n).join(' ')).join('') === words ||
      tokenize(titleWords.slice(0, n).join(' ')).join('') === titleIssuer(e.title)
    ) {
      return titleWords.slice(n).join(' ')
    }
  }
  return e.title
}

/** Damerau–Levenshtein (optimal string alignment) distance, stopping early once past `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  // three rows of the table: two back (for transpositions), the last, the one being filled
  let before = new Int32Array(b.length + 1)
  let last = Int32Array.from({ length: b.length + 1 }, (_, j) => j)
  let row = new Int32Array(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    row[0] = i
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min((last[j] as number) + 1, (row[j - 1] as number) + 1, (last[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1)
      row[j] = d
      if (d < best) best = d
    }
    if (best > limit) return best
    ;[before, last, row] = [last, row, before]
  }
  return last[b.length] as number
}

/** How many characters of a word fall in each of 32 buckets (by character code): see `lettersApart`. */
function letterCounts(word: string): Uint8Array {
  const counts = new Uint8Array(32)
  for (let i = 0; i < word.length; i++) {
    const bucket = word.charCodeAt(i) & 31
    counts[bucket] = Math.min(255, (counts[bucket] as number) + 1)
  }
  return counts
}

/**
 * A lower bound of the edit distance between two words from their `letterCounts`: every character of
 * `a` that `b` lacks costs an edit (a substitution or a deletion; a transposition moves none), and a
 * bucket shared by two characters only hides differences. Stops once past `limit`.
 */
function lettersApart(a: Uint8Array, b: Uint8Array, limit: number): number {
  let apart = 0
  for (let k = 0; k < 32; k++) {
    const extra = (a[k] as number) - (b[k] as number)
    if (extra > 0 && (apart += extra) > limit) return apart
  }
  return apart
}

/**
 * Whether a filing reports a period: its own and, as comparatives, the year before (a quarterly report
 * or a release prints the prior year too) or, for an annual report, the two before.
 */
function covers(e: Entry, year: number): boolean {
  if (e.year === undefined) return false
  const back = e.docType === '10-K' || e.docType === 'annual-report' ? 2 : 1
  return e.year >= year && e.year - year <= back
}

/** Spellings of a company a question may use, derived only from the stored name. */
export function companyAliases(company: string): string[] {
  const words = nameWords(company)
  const aliases = new Set<string>([compact(company)])
  // every run of two or more leading words: "Blue Sky Airlines" → "bluesky", "blueskyairlines"
  for (let n = Math.min(words.length, 2); n <= words.length; n++) aliases.add(words.slice(0, n).join(''))
  for (const a of companyAbbreviations(company)) aliases.add(a)
  return [...aliases].filter((a) => a.length >= 2)
}

/**
 * The short forms of a name made from its words' first letters ("amex", "ibm", "pg"). Unlike a name they
 * are often plain words too ("Ravcliff Technologies" → "rate"), and the more issuers a store holds the
 * more of them there are: a question matches one only where it capitalises it ("AmEx", "IBM", "P&G").
 */
export function companyAbbreviations(company: string): string[] {
  const words = nameWords(company)
  const aliases = new Set<string>()
  if (words.length >= 2) {
    // "American Express" → "amex"; "International Business Machines" → "ibm"
    aliases.add(
      words
        .slice(0, 2)
        .map((w) => w.slice(0, 2))
        .join(''),
    )
    const significant = words.filter((w) => !['and', 'of', 'the', 'for'].includes(w))
    // "Procter & Gamble" → "pg" (the question's "P&G"); two plain words ("Best Buy") get no initials
    if (significant.length >= 3 || (significant.length === 2 && /&|\band\b/i.test(company))) {
      aliases.add(significant.map((w) => w[0]).join(''))
    }
  }
  return [...aliases].filter((a) => a.length >= 2)
}

/**
 * The issuer as a composed title spells it ("AMERICANEXPRESS 2022 Form 10-K" → "americanexpress"): the
 * words before the year, when the title starts that way. File-name spellings often differ from the
 * registrant's name on the cover, and questions use either.
 */
function titleIssuer(title: string): string | undefined {
  const words = tokenize(title)
  // up to three words before the period: "Activision Blizzard 2019 Form 10-K" → "activisionblizzard"
  const at = words.findIndex((w) => /^(?:19|20)\d\d(?:q[1-4])?$/.test(w))
  if (at < 1 || at > 3 || words.slice(0, at).every((w) => /^\d+$/.test(w))) return undefined
  return words.slice(0, at).join('')
}

function issuerKeys(e: Entry): string[] {
  const keys: string[] = []
  if (e.company !== undefined) keys.push(strippedName(e.company))
  const fromTitle = titleIssuer(e.title)
  if (fromTitle !== undefined) keys.push(fromTitle)
  return keys.filter((k) => k.length > 0)
}

/** Every length and every leading part (first characters) of a set of spellings. */
interface Shape {
  readonly lengths: ReadonlySet<number>
  readonly prefixes: ReadonlySet<string>
}

function shapeOf(spellings: Iterable<string>): Shape {
  const lengths = new Set<number>()
  const prefixes = new Set<string>()
  for (const s of spellings) {
    lengths.add(s.length)
    for (let n = 1; n <= s.length; n++) prefixes.add(s.slice(0, n))
  }
  return { lengths, prefixes }
}

/**
 * The routing table: built once per document list (the retriever rebuilds it only when the list's
 * signature changes) and consulted per question with a few map lookups.
 */
export class RoutingTable {
  readonly signature: string
  readonly #entries: readonly Entry[]
  readonly #byAlias = new Map<string, Entry[]>()
  /** a multi-word name's first word ("Activision"): used only when no full spelling matched, and only
   * when the question capitalises it, so "best" in "performed the best" is not Best Buy */
  readonly #byFirstWord = new Map<string, Entry[]>()
  /** documents by issuer key (the stripped name and the title's spelling), to widen a match to every
   * document of the same issuer whatever spelling its metadata uses */
  readonly #byIssuer = new Map<string, Entry[]>()
  readonly #issuerKeys = new Map<Entry, readonly string[]>()
  /** spellings in #byAlias that are only some issuer's abbreviation (see companyAbbreviations) */
  readonly #abbreviations = new Set<string>()
  readonly #types = new PhraseIndex<string>()
  readonly #maxAliasWords: number
  /** what the spellings in #byAlias and #byFirstWord look like: most windows of a question are ruled out by their first word or length */
  readonly #aliasShape: Shape
  readonly #firstWordShape: Shape
  readonly #companies: number
  readonly #byId = new Map<string, Entry>()
  #held: readonly string[] | undefined
  #nearSpellings: readonly { alias: string; company: string; counts: Uint8Array }[] | undefined

  /** trading symbols by document id ("BBY"), matched only when the question writes them in capitals */
  readonly #byTicker = new Map<string, Entry[]>()

  constructor(documents: readonly DocumentSummary[], tickers: ReadonlyMap<string, readonly string[]> = new Map()) {
    this.signature = RoutingTable.signatureOf(documents)
    this.#entries = documents.map((d) => ({
      id: d.id,
      title: d.meta.title,
      company: d.meta.company,
      year: d.meta.fiscalYear ?? (d.meta.date === undefined ? undefined : Number(d.meta.date.slice(0, 4))),
      quarter: d.meta.fiscalQuarter,
      docType: d.meta.docType,
      date: d.meta.date,
    }))
    let maxWords = 1
    const names = new Set<string>()
    for (const e of this.#entries) this.#byId.set(e.id, e)
    for (const e of this.#entries) {
      if (e.company === undefined) continue
      maxWords = Math.max(maxWords, tokenize(e.company).length)
      for (const alias of companyAliases(e.company)) addTo(this.#byAlias, alias, e)
      const abbreviations = companyAbbreviations(e.company)
      for (const a of abbreviations) this.#abbreviations.add(a)
      for (const alias of companyAliases(e.company)) if (!abbreviations.includes(alias)) names.add(alias)
      const fromTitle = titleIssuer(e.title)
      if (fromTitle !== undefined) {
        addTo(this.#byAlias, fromTitle, e)
        names.add(fromTitle)
      }
      const keys = issuerKeys(e)
      this.#issuerKeys.set(e, keys)
      for (const key of keys) addTo(this.#byIssuer, key, e)
      for (const t of tickers.get(e.id) ?? []) addTo(this.#byTicker, t, e)
      const words = tokenize(e.company)
      if (words.length >= 2 && (words[0] ?? '').length >= 4) addTo(this.#byFirstWord, words[0] ?? '', e)
    }
    for (const n of names) this.#abbreviations.delete(n)
    this.#maxAliasWords = maxWords
    this.#aliasShape = shapeOf(this.#byAlias.keys())
    this.#firstWordShape = shapeOf(this.#byFirstWord.keys())
    this.#companies = new Set(this.#entries.map((e) => e.company?.toLowerCase())).size
    for (const [type, mentions] of Object.entries(TYPE_MENTIONS)) {
      for (const m of mentions) this.#types.add(tokenize(m), type)
    }
  }

  /** What the store holds, one line per issuer, in name order: "3M: 2018 Form 10-K, 2022 Form 10-K". */
  held(): readonly string[] {
    if (this.#held !== undefined) return this.#held
    const byIssuer = new Map<string, Entry[]>()
    for (const e of this.#entries) addTo(byIssuer, this.#issuerKeys.get(e)?.[0] ?? e.title, e)
    this.#held = [...byIssuer.values()]
      .map((es) => {
        const name = displayCompany(es[0]?.company ?? es[0]?.title ?? '')
        const docs = [...es].sort((a, b) => recency(a) - recency(b)).map((e) => describeDocument(e, name))
        return `${name}: ${docs.join(', ')}`
      })
      .sort((a, b) => a.localeCompare(b))
    return this.#held
  }

  /**
   * Documents of the companies a caller's `filters.company` names, matched case-insensitively on the
   * stored name, its aliases ("Adobe" for "Adobe Inc."), the title's spelling and trading symbols.
   */
  documentsOfCompanies(names: readonly string[]): string[] {
    const ids = new Set<string>()
    for (const name of names) {
      const keys = new Set([strippedName(name), compact(name)])
      const hits = [...keys].flatMap((k) => [...(this.#byAlias.get(k) ?? []), ...(this.#byIssuer.get(k) ?? [])])
      hits.push(...(this.#byTicker.get(name.trim().toUpperCase()) ?? []))
      for (const e of hits) for (const key of this.#issuerKeys.get(e) ?? []) for (const o of this.#byIssuer.get(key) ?? []) ids.add(o.id)
    }
    return [...ids]
  }

  /** The issuer key of a document ("pepsico"), so hits can be counted per issuer whatever their metadata spelling. */
  issuerOf(documentId: string): string | undefined {
    const e = this.#byId.get(documentId)
    return e === undefined ? undefined : (this.#issuerKeys.get(e)?.[0] ?? e.company)
  }

  /** how many distinct issuers the store holds */
  get issuerCount(): number {
    return this.#byIssuer.size === 0 ? this.#companies : new Set([...this.#issuerKeys.values()].map((k) => k[0])).size
  }

  /** The display name of an issuer key. */
  issuerName(key: string): string | undefined {
    const e = this.#byIssuer.get(key)?.[0]
    return e?.company === undefined ? undefined : displayCompany(e.company)
  }

  /**
   * Token positions that look like a misspelt issuer name ("micorsoft", "pepisco"): words of five or
   * more letters one edit (two from eight letters on) from a one-word spelling of a stored issuer. The
   * caller confirms the word occurs in no document before reading it as that issuer.
   */
  nearIssuers(query: AnalyzedQuery, consumed: ReadonlySet<number>): { index: number; company: string }[] {
    const out: { index: number; company: string }[] = []
    query.tokens.forEach((t, i) => {
      if (consumed.has(i) || t.length < 5 || /\d/.test(t)) return
      const limit = t.length >= 8 ? 2 : 1
      const letters = letterCounts(t)
      for (const { alias, company, counts } of this.#spellings()) {
        if (Math.abs(alias.length - t.length) > limit || lettersApart(letters, counts, limit) > limit) continue
        if (editDistance(t, alias, limit) <= limit) {
          out.push({ index: i, company })
          return
        }
      }
    })
    return out
  }

  /** The one-word spellings `nearIssuers` compares with (five letters or more, of an issuer with a name), with their letter counts: read once per table. */
  #spellings(): readonly { alias: string; company: string; counts: Uint8Array }[] {
    if (this.#nearSpellings !== undefined) return this.#nearSpellings
    const spellings: { alias: string; company: string; counts: Uint8Array }[] = []
    for (const [alias, entries] of this.#byAlias) {
      const company = entries[0]?.company
      if (alias.length >= 5 && company !== undefined) spellings.push({ alias, company, counts: letterCounts(alias) })
    }
    this.#nearSpellings = spellings
    return spellings
  }

  static signatureOf(documents: readonly DocumentSummary[]): string {
    return documents
      .map((d) => `${d.id}@${d.activeVersion}`)
      .sort()
      .join('|')
  }

  route(query: AnalyzedQuery): RouteDecision {
    const consumed = new Set<number>()
    const tokens = query.tokens
    const matched = new Set<Entry>()
    const names = new Set<string>()
    // characters before token i, so a window's joined length is known before it is joined
    const before = [0]
    for (const t of tokens) before.push((before[before.length - 1] ?? 0) + t.length)
    // longest company spelling first, so "best buy" is read before a one-word alias could be
    for (const index of [this.#byAlias, this.#byFirstWord]) {
      if (matched.size > 0) break
      const weak = index === this.#byFirstWord
      const { lengths, prefixes } = weak ? this.#firstWordShape : this.#aliasShape
      // a spelling that starts with another word, or has another length, cannot be a window's
      const starts = tokens.map((t, i) => (!weak || query.capitalized.has(i)) && prefixes.has(t))
      for (let n = Math.min(this.#maxAliasWords, 5); n >= 1; n--) {
        for (let i = 0; i + n <= tokens.length; i++) {
          let free = starts[i] === true && lengths.has((before[i + n] ?? 0) - (before[i] ?? 0))
          for (let k = i; k < i + n; k++) if (consumed.has(k)) free = false
          const spelling = free ? tokens.slice(i, i + n).join('') : ''
          const hits = free ? index.get(spelling) : undefined
          if (hits === undefined) continue
          // an abbreviation is a name only where the question capitalises it ("AmEx", "IBM", not "rate")
          if (!weak && this.#abbreviations.has(spelling) && !query.capitalized.has(i)) continue
          for (const e of hits) {
            matched.add(e)
            if (e.company !== undefined) names.add(e.company)
          }
          for (let k = i; k < i + n; k++) consumed.add(k)
        }
      }
    }
    if (matched.size === 0) {
      query.tokens.forEach((_, i) => {
        const hits = consumed.has(i) ? undefined : this.#byTicker.get(query.cased[i] ?? '')
        if (hits === undefined) return
        for (const e of hits) {
          matched.add(e)
          if (e.company !== undefined) names.add(e.company)
        }
        consumed.add(i)
      })
    }
    for (const e of [...matched])
      for (const key of this.#issuerKeys.get(e) ?? []) for (const o of this.#byIssuer.get(key) ?? []) matched.add(o)
    const types = new Set<string>()
    for (const m of this.#types.find(tokens)) {
      types.add(m.value)
      for (let k = m.start; k < m.end; k++) consumed.add(k)
    }

    let candidates: Entry[]
    if (matched.size > 0) candidates = [...matched]
    else if (this.#companies === 1 && this.#entries.length > 0) candidates = [...this.#entries]
    else return this.#routeByPeriod(query, types, consumed)

    const periodNamed = query.years.length > 0 || query.quarters.length > 0 || query.dates.length > 0
    // no period named: "now". A periodic report is superseded by a newer one of the same type (current
    // reports, 8-Ks, each report their own event and are never superseded).
    const byIssuer = new Map<string, Entry[]>()
    // no name matched, so the store's single issuer: its documents are one issuer's, named or not (a
    // store of unnamed uploads is not one "issuer" per document, each a side of a comparison)
    const single = matched.size === 0
    for (const e of candidates) addTo(byIssuer, single ? '' : (this.#issuerKeys.get(e)?.[0] ?? e.company ?? e.id), e)
    // (only by the same issuer's newer report)
    if (!periodNamed) {
      for (const [key, es] of byIssuer)
        byIssuer.set(
          key,
          es.filter((e) => !es.some((o) => supersedes(o, e))),
        )
      candidates = [...byIssuer.values()].flat()
    }
    const companies = [...byIssuer.values()].map((es) => displayCompany(es[0]?.company ?? es[0]?.title ?? ''))
    let sides: RouteSide[] | undefined
    let chosen: Entry[]
    if (byIssuer.size >= 2) {
      sides = [...byIssuer.values()].map((es, i) => ({
        label: companies[i] ?? '',
        documentIds: this.#best(es, query, types).map((e) => e.id),
      }))
      chosen = candidates.filter((e) => sides?.some((side) => side.documentIds.includes(e.id)))
    } else {
      chosen = this.#best(candidates, query, types)
      sides = this.#periodSides(candidates, chosen, query, types, companies[0] ?? '')
      if (sides !== undefined) chosen = candidates.filter((e) => sides?.some((side) => side.documentIds.includes(e.id)))
    }
    const reason = [
      names.size > 0 ? `company ${[...names].join(', ')}` : 'single issuer',
      query.years.length > 0 ? `years ${query.years.join(', ')}` : undefined,
      query.quarters.length > 0 ? `quarter ${query.quarters.map((q) => `Q${q}`).join(', ')}` : undefined,
      types.size > 0 ? `type ${[...types].join(', ')}` : undefined,
      query.dates.length > 0 ? `date ${query.dates.join(', ')}` : undefined,
      sides === undefined ? undefined : `sides ${sides.map((side) => side.label).join(' | ')}`,
    ]
      .filter((s) => s !== undefined)
      .join('; ')
    // ids only: the years and types named are evidence for choosing, not constraints on the store
    // (a 2021 10-K answers a question about 2019)
    const filter: SearchFilter = { documentIds: chosen.map((e) => e.id) }
    return {
      filter,
      reason: `${reason} → ${chosen.length} of ${candidates.length} documents`,
      consumed,
      companies: names.size > 0 ? companies : [],
      ...(sides === undefined ? {} : { sides }),
    }
  }

  /** The best-scoring of one issuer's documents for the question. */
  #best(entries: readonly Entry[], query: AnalyzedQuery, types: ReadonlySet<string>): Entry[] {
    const scored = entries.map((e) => ({ e, score: this.#score(e, query, types) }))
    const best = Math.max(...scored.map((s) => s.score))
    return scored.filter((s) => s.score === best).map((s) => s.e)
  }

  /**
   * One issuer in two or more years that no chosen filing covers together (a 10-K carries its year and
   * the two before it): one side per year, each with the filings for that year alone.
   */
  #periodSides(
    candidates: readonly Entry[],
    chosen: readonly Entry[],
    query: AnalyzedQuery,
    types: ReadonlySet<string>,
    company: string,
  ): RouteSide[] | undefined {
    const years = [...new Set(query.years)].sort((a, b) => a - b)
    if (years.length < 2) return undefined
    if (chosen.some((e) => years.every((y) => covers(e, y)))) return undefined
    const sides: RouteSide[] = []
    for (const y of years) {
      const holding = candidates.filter((e) => covers(e, y))
      if (holding.length === 0) continue
      sides.push({ label: `${company} ${y}`, documentIds: this.#best(holding, { ...query, years: [y] }, types).map((e) => e.id) })
    }
    return sides.length >= 2 ? sides : undefined
  }

  /**
   * No issuer named: a question that pins a quarter or a date ("Q2 of FY2024", "on May 26, 2023") may
   * still identify its filing when at most two stored filings cover that exact period. Anything broader
   * (a year alone, or a period many filings share) searches every document.
   */
  #routeByPeriod(query: AnalyzedQuery, types: ReadonlySet<string>, consumed: ReadonlySet<number>): RouteDecision {
    const everything: RouteDecision = { filter: undefined, reason: 'no company named: searching every document', consumed }
    if (query.years.length === 0 || (query.quarters.length === 0 && query.dates.length === 0)) return everything
    const scored = this.#entries.map((e) => ({ e, score: this.#score(e, query, types) }))
    const best = Math.max(...scored.map((s) => s.score))
    const chosen = scored.filter((s) => s.score === best).map((s) => s.e)
    // year (3) plus quarter (2) or a close date (3): the filing for exactly that period
    if (best < 5 || chosen.length > 2) return everything
    return {
      filter: { documentIds: chosen.map((e) => e.id) },
      reason: `no company named; only ${chosen.length} document(s) cover the period named`,
      consumed,
    }
  }

  #score(e: Entry, query: AnalyzedQuery, types: ReadonlySet<string>): number {
    let score = 0
    if (query.years.length > 0 && e.year !== undefined) {
      const latest = Math.max(...query.years)
      // a filing reports its own period plus comparatives, so the latest year named is the filing's;
      // a somewhat later filing still carries the earlier period
      if (e.year === latest) score += 3
      else if (query.years.includes(e.year)) score += 2
      else if (e.year > latest && e.year - latest <= 2) score += 1
    }
    if (query.quarters.length > 0) {
      if (e.quarter !== undefined && query.quarters.includes(e.quarter)) score += 2
    } else if (
      query.years.length > 0 &&
      query.dates.length === 0 &&
      (e.docType === '10-K' || e.docType === 'annual-report' || e.quarter === 4)
    ) {
      // a year but no quarter named: a full-year question, answered by documents covering the full year
      score += 1
    }
    if (e.docType !== undefined && types.has(e.docType)) score += 3
    if (e.date !== undefined && query.dates.length > 0) {
      const docTime = Date.parse(e.date)
      // a current report is filed within days after the event it reports
      const best = Math.max(
        ...query.dates.map((d) => {
          const days = (docTime - Date.parse(d)) / DAY_MS
          if (days >= 0 && days <= 10) return 3
          if (days >= 0 && days <= 45) return 2
          return Math.abs(days) <= 45 ? 1 : 0
        }),
      )
      score += best
    }
    return score
  }
}
