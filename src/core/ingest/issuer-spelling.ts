/**
 * An issuer's name as its own document writes it. File names and some covers spell it in capitals or
 * glued ("ACTIVISIONBLIZZARD", "AMCOR PLC"); the filing's text also prints it as a person writes it
 * ("Activision Blizzard, Inc.", "Amcor plc"). The spelling found most often, mixed case first, wins, with
 * the legal form that follows it most often.
 */
const WORD = /[\p{L}\p{N}&]+/gu
const LEGAL_FORM_AFTER =
  /^[ \t]*(,?)[ \t]+(Inc\.?|Incorporated|Corporation|Corp\.|Company|Co\.,[ \t]+Inc\.|plc|Ltd\.|Limited|N\.V\.|S\.A\.|AG|SE|LLC)(?![\p{L}])/iu
const LEGAL_FORM_END = /,?\s+(?:inc|incorporated|corp|corporation|co|company|plc|ltd|limited|llc|n\.?v|s\.?a|ag|se)\.?$/i
/** how each legal form is written, whatever case the document prints it in */
const FORMS: Readonly<Record<string, string>> = {
  inc: 'Inc.',
  'inc.': 'Inc.',
  incorporated: 'Incorporated',
  corporation: 'Corporation',
  'corp.': 'Corp.',
  company: 'Company',
  plc: 'plc',
  'ltd.': 'Ltd.',
  limited: 'Limited',
  'n.v.': 'N.V.',
  's.a.': 'S.A.',
  ag: 'AG',
  se: 'SE',
  llc: 'LLC',
}
/** windows longer than this are not an issuer's name */
const MAX_WORDS = 4
/** characters read: the cover and the first pages say it often enough */
const MAX_TEXT = 60_000

export interface IssuerSpelling {
  /** "Activision Blizzard" */
  readonly name: string
  /** "Activision Blizzard, Inc.", when a legal form follows the name in the text */
  readonly legalName: string | undefined
}

function compact(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .match(WORD) ?? []
  ).join('')
}

/** The name without its legal form: "AMCOR PLC" → "AMCOR". */
export function withoutLegalForm(name: string): string {
  let bare = name.trim()
  // "Best Buy Co., Inc." carries two
  for (let next = bare.replace(LEGAL_FORM_END, '').trim(); next !== bare && next !== ''; next = bare.replace(LEGAL_FORM_END, '').trim())
    bare = next
  return bare || name
}

/** "ACTIVISION BLIZZARD" → "Activision Blizzard"; short words with digits ("3M") stay. */
export function titleCase(name: string): string {
  return name
    .split(' ')
    .map((w) => (/\d/.test(w) && w.length <= 3 ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join(' ')
}

function legalForm(printed: string): string {
  const key = printed.toLowerCase().replace(/\s+/g, ' ')
  if (key.startsWith('co.,')) return 'Co., Inc.'
  return FORMS[key] ?? printed
}

/** Titled ("PepsiCo") beats capitals ("PEPSICO"), which beat lower case (a web address, "microsoft.com"). */
function caseRank(s: string): number {
  if (s !== s.toUpperCase() && s !== s.toLowerCase()) return 2
  return s === s.toUpperCase() ? 1 : 0
}

export function findIssuerSpelling(name: string, text: string): IssuerSpelling | undefined {
  const target = compact(withoutLegalForm(name))
  if (target.length < 2 || text === '') return undefined
  const sample = text.slice(0, MAX_TEXT)
  const words = [...sample.matchAll(WORD)].map((m) => ({
    text: m[0],
    lower: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }))
  const found = new Map<string, { count: number; forms: Map<string, number> }>()
  for (let i = 0; i < words.length; i++) {
    let joined = ''
    for (let n = 1; n <= MAX_WORDS && i + n <= words.length; n++) {
      joined += words[i + n - 1]?.lower ?? ''
      if (!target.startsWith(joined)) break
      if (joined !== target) continue
      const first = words[i]
      const last = words[i + n - 1]
      if (first === undefined || last === undefined) break
      const spelled = sample.slice(first.start, last.end)
      // a spelling across a line break or punctuation other than spaces and "&" is not a name
      if (!/^[\p{L}\p{N}&]+(?:[ \t]+[\p{L}\p{N}&]+|[ \t]*&[ \t]*[\p{L}\p{N}]+)*$/u.test(spelled)) break
      const entry = found.get(spelled.replace(/[ \t]+/g, ' ')) ?? { count: 0, forms: new Map<string, number>() }
      entry.count++
      const m = LEGAL_FORM_AFTER.exec(sample.slice(last.end, last.end + 20))
      if (m?.[2] !== undefined) {
        // kept with the comma as printed: "PepsiCo, Inc." but "Pfizer Inc."
        const form = `${m[1] ?? ''} ${legalForm(m[2])}`
        entry.forms.set(form, (entry.forms.get(form) ?? 0) + 1)
      }
      found.set(spelled.replace(/[ \t]+/g, ' '), entry)
      break
    }
  }
  const ranked = [...found].sort((a, b) => caseRank(b[0]) - caseRank(a[0]) || b[1].count - a[1].count)
  const best = ranked[0]
  if (best === undefined) return undefined
  const spelled = caseRank(best[0]) === 2 ? best[0] : titleCase(best[0])
  // the legal form seen most often after any spelling of the name
  const forms = new Map<string, number>()
  for (const [, entry] of ranked) for (const [f, n] of entry.forms) forms.set(f, (forms.get(f) ?? 0) + n)
  const form = [...forms].sort((a, b) => b[1] - a[1])[0]?.[0]
  return { name: spelled, legalName: form === undefined ? undefined : `${spelled}${form}` }
}
