/**
 * Builds an FTS5 MATCH expression from plain words. Every term and phrase becomes a double-quoted FTS5
 * string (embedded quotes doubled), so user text can never reach FTS5 as syntax (NEAR, column filters,
 * `*`, `-`, parentheses). Tokens the tokenizer would drop anyway (pure punctuation) are skipped.
 */
export function buildFtsMatch(terms: readonly string[], phrases: readonly (readonly string[])[]): string | undefined {
  const parts: string[] = []
  const seen = new Set<string>()
  const push = (words: readonly string[]): void => {
    const cleaned = words.map((w) => w.trim()).filter((w) => /[\p{L}\p{N}]/u.test(w))
    if (cleaned.length === 0) return
    const quoted = `"${cleaned.join(' ').replaceAll('"', '""')}"`
    if (seen.has(quoted.toLowerCase())) return
    seen.add(quoted.toLowerCase())
    parts.push(quoted)
  }
  for (const t of terms) push([t])
  for (const p of phrases) push(p)
  return parts.length === 0 ? undefined : parts.join(' OR ')
}
