/**
 * The one grammar of citation markers, shared by the fact-lock (which markers point at a real source),
 * the renumbering (sources numbered 1..n in order of first use) and the UI (which turns markers into
 * links). Models write markers in many shapes; every shape below is a marker, so none slips past the
 * fact-lock:
 *
 *   [7]  [ 7 ]  [7 ]  [1, 3]  [1; 7]  [2-4]  [2–4]  [^7]  [Source 9]  [Sources 1, 2]  【7】  ［１］  [１]
 *
 * Canonical output is `[1]` or `[1, 2]`.
 */

const OPEN = '[\\[［【]'
const CLOSE = '[\\]］】]'
const DIGITS = '[0-9０-９]+'
const SEPARATOR = '\\s*(?:[,;，；、]|[-–—~〜])\\s*'
const LABEL = '(?:\\^|sources?\\s*|src\\s*)?'

/** Global, case-insensitive; group 1 is the list inside the brackets. One optional whitespace before is part of the marker. */
export const CITATION_MARKER = new RegExp(`\\s?${OPEN}\\s*${LABEL}(${DIGITS}(?:${SEPARATOR}${LABEL}${DIGITS})*)\\s*${CLOSE}`, 'giu')

/** Ranges are expanded up to this width; a wider one (`[1-5000]`) cites its two ends only, never 5000 sources. */
const MAX_RANGE = 100

export interface CitationMarker {
  /** offsets of the whole marker, its leading whitespace included */
  readonly start: number
  readonly end: number
  /** cited numbers in written order, ranges expanded, duplicates kept */
  readonly numbers: readonly number[]
}

export function findCitationMarkers(text: string): CitationMarker[] {
  const out: CitationMarker[] = []
  for (const m of text.matchAll(CITATION_MARKER)) out.push({ start: m.index, end: m.index + m[0].length, numbers: parseList(m[1] ?? '') })
  return out
}

/** Every number any marker cites, in written order. */
export function citationNumbers(text: string): number[] {
  return findCitationMarkers(text).flatMap((m) => m.numbers)
}

/** The text with markers replaced by a blank (before looking for quantities in it). */
export function stripCitationMarkers(text: string): string {
  return text.replace(CITATION_MARKER, ' ')
}

/**
 * Rewrites every marker: `choose` gets its numbers and returns the ones to print; none removes the marker
 * with its leading whitespace. Returning `undefined` keeps the marker exactly as written.
 */
export function rewriteCitationMarkers(text: string, choose: (numbers: readonly number[]) => readonly number[] | undefined): string {
  return text.replace(CITATION_MARKER, (whole: string, list: string) => {
    const chosen = choose(parseList(list))
    if (chosen === undefined) return whole
    if (chosen.length === 0) return ''
    return `${/^\s/.test(whole) ? whole[0] : ''}${formatCitationMarker(chosen)}`
  })
}

export function formatCitationMarker(numbers: readonly number[]): string {
  return `[${numbers.join(', ')}]`
}

/**
 * Sources renumbered 1..n in order of first use, markers of unknown sources dropped. `renumber` maps a
 * source number to its printed one (assigning the next on first sight), so the same state serves a whole
 * answer or its stream, piece by piece.
 */
export interface CitationRenumbering {
  /** printed number → source number, in order of first use */
  readonly order: readonly number[]
  rewrite(text: string): string
}

export function createCitationRenumbering(valid: ReadonlySet<number>): CitationRenumbering {
  const printed = new Map<number, number>()
  const order: number[] = []
  const choose = (numbers: readonly number[]): number[] => {
    const out: number[] = []
    for (const n of numbers) {
      if (!valid.has(n)) continue
      let p = printed.get(n)
      if (p === undefined) {
        order.push(n)
        p = order.length
        printed.set(n, p)
      }
      if (!out.includes(p)) out.push(p)
    }
    return out
  }
  return { order, rewrite: (text) => rewriteCitationMarkers(text, choose) }
}

/**
 * Renumbers a streamed answer as it goes, with the same result as renumbering the whole text: text from
 * an opening bracket that is not closed yet (and one whitespace before it) is held back until the
 * marker closes or can no longer be one.
 */
export function createCitationStream(valid: ReadonlySet<number>): {
  readonly renumbering: CitationRenumbering
  push(delta: string): string
  flush(): string
} {
  const renumbering = createCitationRenumbering(valid)
  let pending = ''
  return {
    renumbering,
    push(delta) {
      pending += delta
      const cut = holdFrom(pending)
      const ready = pending.slice(0, cut)
      pending = pending.slice(cut)
      return renumbering.rewrite(ready)
    },
    flush() {
      const rest = pending
      pending = ''
      return renumbering.rewrite(rest)
    },
  }
}

/** Longest marker worth waiting for (`[Sources 1, 2, 3, …]`); anything longer unclosed is plain text. */
const MAX_MARKER = 64
const OPENERS = /[[［【]/gu

function holdFrom(text: string): number {
  let open = -1
  for (const m of text.matchAll(OPENERS)) open = m.index
  if (open >= 0 && !/[\]］】]/u.test(text.slice(open)) && text.length - open < MAX_MARKER) {
    return open > 0 && /\s/.test(text[open - 1] ?? '') ? open - 1 : open
  }
  // a trailing whitespace may turn out to lead a marker
  return /\s$/.test(text) ? text.length - 1 : text.length
}

function parseList(list: string): number[] {
  const ascii = list.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\^|sources?|src/gi, '')
  const out: number[] = []
  for (const part of ascii.split(/[,;，；、]/)) {
    const [a, b] = part.split(/[-–—~〜]/).map((s) => Number(s.trim()))
    if (a === undefined || !Number.isInteger(a)) continue
    if (b === undefined || !Number.isInteger(b)) out.push(a)
    else if (b >= a && b - a <= MAX_RANGE) for (let n = a; n <= b; n++) out.push(n)
    else out.push(a, b)
  }
  return out
}
