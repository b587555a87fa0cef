/**
 * Re-issues a filing under a synthetic issuer: the company's name is replaced by a made-up one, every year
 * moves by the copy's offset, and every other figure is scaled by a factor of the copy (0.90–1.10, never
 * 1), keeping its format. Copies are genuinely different documents to routing and BM25 (other names,
 * other numbers, other years) while keeping a real filing's layout, vocabulary and length.
 */

const FIRST = [
  'Val',
  'Nor',
  'Cal',
  'Bry',
  'Tor',
  'Mar',
  'Quin',
  'Ash',
  'Del',
  'Fen',
  'Har',
  'Lum',
  'Ost',
  'Pel',
  'Rav',
  'Sol',
  'Tam',
  'Ver',
  'Wex',
  'Yor',
]
const SECOND = [
  'dren',
  'vane',
  'moor',
  'stead',
  'cliff',
  'wick',
  'holt',
  'ford',
  'mere',
  'ridge',
  'brook',
  'gate',
  'crest',
  'dale',
  'field',
]
const KIND = ['Industries', 'Holdings', 'Group', 'Corporation', 'Systems', 'Brands', 'Technologies', 'Partners']

export interface SyntheticIssuer {
  readonly name: string
  readonly ticker: string
  readonly yearOffset: number
  readonly factor: number
}

/** The issuer of copy `copy` (1-based) of filing number `filing`: distinct for every (filing, copy) pair. */
export function syntheticIssuer(filing: number, copy: number): SyntheticIssuer {
  const n = filing * 1009 + copy * 7919
  const first = FIRST[n % FIRST.length]!
  const second = SECOND[Math.floor(n / FIRST.length) % SECOND.length]!
  const kind = KIND[(filing + copy) % KIND.length]!
  // the numeric suffix keeps names distinct when the syllables repeat
  const name = `${first}${second} ${kind} ${copy}${String.fromCharCode(65 + (filing % 26))}`
  const ticker = `${first.slice(0, 2)}${second.slice(0, 1)}${String.fromCharCode(65 + (copy % 26))}`.toUpperCase()
  const step = ((copy * 37 + filing * 11) % 20) - 10
  return { name, ticker, yearOffset: 1 + (copy % 9), factor: 1 + (step === 0 ? 7 : step) / 100 }
}

const NUMBER = /\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d+\b|\b\d+\b/g

/** One page of the filing as the synthetic issuer would have published it. */
export function reissuePage(text: string, company: string, issuer: SyntheticIssuer): string {
  const names = [company, company.toUpperCase()].filter((v, i, a) => a.indexOf(v) === i)
  let out = text
  for (const n of names) out = out.split(n).join(n === company ? issuer.name : issuer.name.toUpperCase())
  return out.replace(NUMBER, (m) => {
    const plain = m.replace(/,/g, '')
    const value = Number(plain)
    if (!m.includes(',') && !m.includes('.') && m.length === 4 && value >= 1950 && value <= 2049) return String(value + issuer.yearOffset)
    // Small counts (notes, items, page numbers) stay: a "Note 3" or "Item 7" keeps its meaning.
    if (value < 10 && !m.includes('.')) return m
    const scaled = value * issuer.factor
    const decimals = plain.includes('.') ? plain.split('.')[1]!.length : 0
    const fixed = scaled.toFixed(decimals)
    if (!m.includes(',')) return fixed
    const [int, frac] = fixed.split('.')
    return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`
  })
}
