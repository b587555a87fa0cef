import { porterStem } from './porter-stemmer.js'
import { analyze, type Stemmer } from './bm25-encoder.js'

/**
 * Whether a chunk matches a keyword query the way FTS5 matches `"t1" OR "t2" OR "p1 p2"`: any term
 * anywhere, or any phrase as adjacent tokens within one field (header or text). Sparse vectors cannot
 * express adjacency, so the scale-out store ranks by BM25 over all the words and then checks phrases here.
 */
export function matchesKeywordQuery(
  chunk: { readonly header: string; readonly text: string },
  terms: readonly string[],
  phrases: readonly (readonly string[])[],
  stem: Stemmer = porterStem,
): boolean {
  const fields = [analyze(chunk.header, stem), analyze(chunk.text, stem)]
  const termTokens = new Set(terms.flatMap((t) => analyze(t, stem)))
  if (termTokens.size > 0 && fields.some((f) => f.some((t) => termTokens.has(t)))) return true
  return phrases.some((p) => {
    const words = p.flatMap((w) => analyze(w, stem))
    return words.length > 0 && fields.some((f) => containsRun(f, words))
  })
}

function containsRun(tokens: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let j = 0; j < run.length; j++) if (tokens[i + j] !== run[j]) continue outer
    return true
  }
  return false
}
