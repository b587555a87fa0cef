const WORD_CHAR = /[\p{L}\p{N}]/u

/**
 * The phrases a keyword query searches, each as the words it quotes joined by one space: every term and
 * every phrase, trimmed, without words the tokenizer would drop anyway (pure punctuation), each once
 * (case-insensitively), terms first. `ftsMatch` quotes them for FTS5; the in-memory index ranks them as is.
 */
export function ftsPhrases(terms: readonly string[], phrases: readonly (readonly string[])[]): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const push = (words: readonly string[]): void => {
    let text = ''
    for (const w of words) {
      const word = w.trim()
      if (!WORD_CHAR.test(word)) continue
      text = text.length === 0 ? word : `${text} ${word}`
    }
    if (text.length === 0) return
    const key = text.toLowerCase()
    if (seen.has(key)) return
    seen.add(key)
    out.push(text)
  }
  for (const t of terms) push([t])
  for (const p of phrases) push(p)
  return out
}

/**
 * The FTS5 MATCH expression for phrases: each a double-quoted FTS5 string (embedded quotes doubled), so
 * user text can never reach FTS5 as syntax (NEAR, column filters, `*`, `-`, parentheses); OR-ed.
 */
export function ftsMatch(phrases: readonly string[]): string {
  return phrases.map((p) => `"${p.replaceAll('"', '""')}"`).join(' OR ')
}

/** Builds an FTS5 MATCH expression from plain words (see `ftsPhrases`); undefined when nothing is left to search. */
export function buildFtsMatch(terms: readonly string[], phrases: readonly (readonly string[])[]): string | undefined {
  const parts = ftsPhrases(terms, phrases)
  return parts.length === 0 ? undefined : ftsMatch(parts)
}
