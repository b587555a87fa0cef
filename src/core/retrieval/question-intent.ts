import type { AnalyzedQuery } from './query-analysis.js'
import { STOP_WORDS } from './stop-words.js'

/**
 * What kind of question this is, read from its words before searching. Chat users type a company's
 * name alone, "tell me about X", or "hi": none of those has words a page would contain, so a keyword
 * search over what is left would match stray words. The vocabularies below are about how people ask
 * (greetings, requests for a summary), never about any company or filing.
 */

/** Greetings, thanks, and questions about the assistant itself. */
const SMALL_TALK = new Set(
  `hi hello hey hiya howdy yo greetings thanks thank thx ty cheers bye goodbye good morning afternoon evening
  night ok okay cool great nice awesome sure yes no please help who what how are you your yourself can could
  do does able work works working ragtune bot assistant there name is it this that me i am we us doing going
  tell about use using hows whats up`.split(/\s+/),
)
/** A small-talk question must contain at least one of these, so "what is this" alone is not small talk. */
const SMALL_TALK_MARKERS = new Set(
  'hi hello hey hiya howdy yo greetings thanks thank thx ty cheers bye goodbye you your yourself ragtune bot assistant help'.split(' '),
)

/** How people ask for a summary rather than a fact; a question of only these (after the names) is an overview. */
const OVERVIEW_WORDS = new Set(
  `tell overview overviews summary summaries summarize summarise summarized summary's highlight highlights
  key main important notable takeaways takeaway recap brief briefly describe description explain know learn
  everything anything general about do does did doing make makes sell sells offer offers business businesses
  operate operates operations results result performance perform performed happened happen news latest recent
  update updates filing filings document documents report reports reported say says said info information
  quick look profile snapshot what who how me us give show walk through`.split(/\s+/),
)

export function isSmallTalk(query: AnalyzedQuery): boolean {
  if (query.tokens.length === 0 || query.tokens.length > 12 || query.years.length > 0) return false
  return query.tokens.every((t) => SMALL_TALK.has(t)) && query.tokens.some((t) => SMALL_TALK_MARKERS.has(t))
}

/**
 * An overview question: once the words that named documents (company, period, type) are set aside,
 * nothing narrower is asked — only summary words, stop words and periods remain.
 */
export function isOverview(query: AnalyzedQuery, consumed: ReadonlySet<number>): boolean {
  return query.tokens.every(
    (t, i) => consumed.has(i) || OVERVIEW_WORDS.has(t) || STOP_WORDS.has(t) || /^\d+$/.test(t) || /^(?:fy|q[1-4])/.test(t) || t.length < 2,
  )
}

/** Summary words are not search terms in an overview question. */
export function isOverviewWord(term: string): boolean {
  return OVERVIEW_WORDS.has(term)
}
