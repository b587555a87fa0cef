import type { BoundedCache, CacheRegistry } from '../bounded-cache.js'
import type { Page, SpacedLine } from './extractive.js'
import type { PreparedSource } from './number-checks.js'
import type { FactTextEntry } from './context.js'

/**
 * The text-keyed work an answerer does on source pages, worked out once per page text and kept by the
 * answerer that created them (limits: `answer.*` in CACHE_LIMITS). The same pages come back question
 * after question, and a page's text fully determines each result; by the same-object rule (see
 * `ChunkRecord`) the text is the same string object each time, so a lookup compares by pointer.
 * The functions that use them take them as an optional argument and compute afresh without it.
 */
export interface AnswerCaches {
  /** extractive: a page split into sentences, indexed by word */
  readonly pages: BoundedCache<string, Page>
  /** extractive: a statement line as spaced words and stems */
  readonly statementLines: BoundedCache<string, SpacedLine>
  /** fact-lock: a cited source's figures, magnitudes and years */
  readonly sourceFigures: BoundedCache<string, PreparedSource>
  /** the text a fact-lock check reads for a source */
  readonly factTexts: BoundedCache<string, FactTextEntry>
  /** a citation's snippet (at the default length) */
  readonly snippets: BoundedCache<string, string>
}

export function createAnswerCaches(caches: CacheRegistry): AnswerCaches {
  return {
    pages: caches.create('answer.pages'),
    statementLines: caches.create('answer.statement-lines'),
    sourceFigures: caches.create('answer.source-figures'),
    factTexts: caches.create('answer.fact-texts'),
    snippets: caches.create('answer.snippets'),
  }
}
