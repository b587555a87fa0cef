import { FINANCE_CONCEPTS, type FinanceConcept } from './finance-lexicon.js'
import { STATEMENT_MENTIONS, STATEMENTS, type Statement } from './financial-statements.js'
import { tokenize } from './query-analysis.js'

/** A phrase matcher over token sequences, compiled once: first token → candidate phrases. */
export class PhraseIndex<T> {
  readonly #byFirst = new Map<string, { words: readonly string[]; value: T }[]>()

  add(words: readonly string[], value: T): void {
    const first = words[0]
    if (first === undefined) return
    const list = this.#byFirst.get(first) ?? []
    list.push({ words, value })
    this.#byFirst.set(first, list)
  }

  /** Values of every phrase that occurs in `tokens`, with the token positions it covered. */
  find(tokens: readonly string[]): { value: T; start: number; end: number }[] {
    const out: { value: T; start: number; end: number }[] = []
    tokens.forEach((t, i) => {
      for (const p of this.#byFirst.get(t) ?? []) {
        if (p.words.every((w, k) => tokens[i + k] === w)) out.push({ value: p.value, start: i, end: i + p.words.length })
      }
    })
    return out
  }
}

const conceptIndex = new PhraseIndex<FinanceConcept>()
for (const c of FINANCE_CONCEPTS) for (const t of c.triggers) conceptIndex.add(tokenize(t), c)

const statementIndex = new PhraseIndex<Statement>()
for (const s of STATEMENTS) for (const words of STATEMENT_MENTIONS[s]) statementIndex.add(words, s)

/** Finance concepts a question names, in order of first mention, each once. */
export function matchConcepts(tokens: readonly string[]): FinanceConcept[] {
  return [...new Set(conceptIndex.find(tokens).map((m) => m.value))]
}

/**
 * Statements a question needs: the ones it names outright ("…shown in the cash flow statement") and
 * otherwise the ones its concepts live on.
 */
export function neededStatements(tokens: readonly string[], concepts: readonly FinanceConcept[]): Statement[] {
  const named = new Set(statementIndex.find(tokens).map((m) => m.value))
  if (named.size > 0) return [...named]
  return [...new Set(concepts.flatMap((c) => c.statements))]
}
