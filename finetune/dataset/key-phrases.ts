/**
 * Topic phrases of a passage for the offline question builder: RAKE-style candidates (runs of content
 * words between stopwords and punctuation, 1–3 words) scored by TF-IDF against the whole sample set, so
 * "float" or "Capital Cities/ABC" outrank words every letter uses ("shareholders", "year").
 */
const STOPWORDS = new Set(
  `a about above after again against all almost also although always am among an and another any anyone anything
are around as at away back be became because become been before being below besides best better between beyond both
but by can cannot could did do does doing done down during each either else enough even ever every few for from
further get gets getting give given go goes going gone got had has have having he her here hers herself him himself
his how however i if in indeed instead into is it its itself just keep kept least less let like likely made make
makes making many may me might mine more most much must my myself near nearly need needs neither never nevertheless
next no none nor not nothing now of off often on once one ones only onto or other others otherwise our ours
ourselves out over own perhaps put quite rather really same say says said see seem seems seen several shall she
should since so some someone something sometimes still such than that the their theirs them themselves then there
therefore these they thing things this those though through thus to together too toward towards under unless until
up upon us very via was way ways we well were what whatever when where whether which while who whom whose why will
with within without would yet you your yours yourself also per cent percent year years time times today last first
second third new old good great big large small lot lots much many kind sort part whole number amount course fact
example far long little certain certainly simply fully clearly probably generally usually day days month months
week weeks letter letters report dear mr mrs billion billions million millions trillion include includes including
included think thought believe believed know knew known want wanted tell told come came went take took taken felt
feel seemed became called use used using hold held pay paid buy bought sell sold earn earned expect expected
continue continued remain remained reported reportable ago simply anyway whose`.split(/\s+/),
)

/** Adverbs and participles make poor topics ("significantly", "reported"): a phrase may not end on one. */
function weakEnding(word: string): boolean {
  return /(?:ly|ed)$/.test(word) || (/ing$/.test(word) && !/ings$/.test(word))
}

/** "Iscar moved tungsten" is a clause, not a topic: a participle may only open a phrase ("combined ratio"). */
function clauseLike(words: readonly { key: string }[]): boolean {
  return words.slice(1, -1).some((w) => /(?:ed|ing)$/.test(w.key))
}

export interface KeyPhraseExtractor {
  /** up to `limit` phrases, best first, in the casing the passage uses for names and lower case otherwise */
  extract(text: string, limit?: number): string[]
}

const WORD = /[\p{L}][\p{L}\p{N}'’&/-]*[\p{L}\p{N}]|[\p{L}]/gu

interface Token {
  readonly surface: string
  readonly key: string
}

function tokenizeRuns(text: string): Token[][] {
  const runs: Token[][] = []
  // Punctuation ends a candidate phrase, as stopwords do.
  for (const clause of text.split(/[.,;:!?()"“”\n–—]|\s-\s/)) {
    let run: Token[] = []
    for (const m of clause.matchAll(WORD)) {
      const surface = m[0].replace(/[’']s$/, '')
      const key = surface.toLowerCase()
      if (STOPWORDS.has(key) || key.length < 3 || /\d/.test(key)) {
        if (run.length > 0) runs.push(run)
        run = []
      } else run.push({ surface, key })
    }
    if (run.length > 0) runs.push(run)
  }
  return runs
}

/** Words capitalised somewhere other than at a sentence start are names: keep their capitals. */
function namesIn(text: string): Set<string> {
  const names = new Set<string>()
  for (const m of text.matchAll(WORD)) {
    if (!/^\p{Lu}/u.test(m[0])) continue
    const before = text.slice(0, m.index).trimEnd()
    if (before === '' || /[.!?:"“‘(\n]$/.test(before)) continue
    names.add(m[0].replace(/[’']s$/, '').toLowerCase())
  }
  return names
}

export function createKeyPhraseExtractor(corpus: readonly string[]): KeyPhraseExtractor {
  const df = new Map<string, number>()
  for (const doc of corpus) {
    const seen = new Set<string>()
    for (const run of tokenizeRuns(doc)) for (const t of run) seen.add(t.key)
    for (const k of seen) df.set(k, (df.get(k) ?? 0) + 1)
  }
  const n = Math.max(1, corpus.length)
  const idf = (k: string): number => Math.log((n + 1) / ((df.get(k) ?? 0) + 1)) + 1

  return {
    extract(text, limit = 3) {
      const runs = tokenizeRuns(text)
      const tf = new Map<string, number>()
      for (const run of runs) for (const t of run) tf.set(t.key, (tf.get(t.key) ?? 0) + 1)
      const capitalised = namesIn(text)
      const candidates = new Map<string, { phrase: string; words: string[]; score: number; count: number }>()
      for (const run of runs) {
        // Long runs are lists or noun piles: score every window of up to 3 words.
        for (let len = Math.min(3, run.length); len >= 1; len--)
          for (let i = 0; i + len <= run.length; i++) {
            const words = run.slice(i, i + len)
            if (weakEnding(words[words.length - 1]!.key) || clauseLike(words)) continue
            const key = words.map((w) => w.key).join(' ')
            const phrase = words.map((w) => (capitalised.has(w.key) ? w.surface : w.key)).join(' ')
            const base = words.reduce((s, w) => s + (tf.get(w.key) ?? 0) * idf(w.key), 0) / Math.sqrt(len)
            const c = candidates.get(key)
            if (c === undefined) candidates.set(key, { phrase, words: words.map((w) => w.key), score: base, count: 1 })
            else c.count++
          }
      }
      // A phrase that recurs in the passage is its topic more surely than a single rare word.
      const ranked = [...candidates.values()]
        .map((c) => ({ ...c, score: c.score * (c.words.length > 1 && c.count > 1 ? 1.5 : 1) }))
        .sort((a, b) => b.score - a.score || a.phrase.localeCompare(b.phrase))
      const chosen: typeof ranked = []
      for (const c of ranked) {
        if (chosen.length >= limit) break
        if (chosen.some((x) => c.words.some((w) => x.words.includes(w)))) continue
        chosen.push(c)
      }
      return chosen.map((c) => c.phrase)
    },
  }
}
