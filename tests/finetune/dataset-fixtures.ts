import fs from 'node:fs'
import PDFDocument from 'pdfkit'

/** Deterministic prose from a small vocabulary: every sentence different, so only planted copies are duplicates. */
export function makeRng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SUBJECTS = [
  'Our float',
  'The railroad',
  'Our insurance business',
  'The candy company',
  'Every manager',
  'Charlie',
  'The textile mill',
  'Our furniture store',
]
const VERBS = ['grew', 'earned', 'disappointed', 'surprised us', 'taught me', 'compounded', 'stumbled', 'prospered']
const TAILS = [
  'because customers trusted the brand',
  'although the price of capital rose',
  'while competitors cut prices foolishly',
  'as the economy recovered slowly',
  'despite a difficult year for underwriting',
  'since we never borrowed heavily',
  'when interest rates fell sharply',
  'after the managers doubled their efforts',
]

export function prose(rng: () => number, sentences: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!
  return Array.from(
    { length: sentences },
    () => `${pick(SUBJECTS)} ${pick(VERBS)} in ${1960 + Math.floor(rng() * 60)}, ${pick(TAILS)} and ${pick(TAILS)}.`,
  ).join(' ')
}

/** A letter as PDF extraction leaves it: hard-wrapped, indented paragraphs, a page number, a table. */
export function letter(rng: () => number, paragraphs = 8): string {
  const out: string[] = ['To the Shareholders:', '']
  for (let p = 0; p < paragraphs; p++) {
    const words = prose(rng, 5).split(' ')
    const lines: string[] = []
    for (let i = 0; i < words.length; i += 11) lines.push(words.slice(i, i + 11).join(' '))
    out.push(`     ${lines.join('\n')}`, '')
    if (p === 3) out.push('                 1985        1984', 'Float ..........   95,217      68,903', '', '7', '')
  }
  return out.join('\n')
}

export async function writePdf(file: string, paragraphs: readonly string[]): Promise<void> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 72 })
  const done = new Promise<void>((resolve, reject) => {
    const stream = fs.createWriteStream(file)
    stream.on('finish', () => resolve())
    stream.on('error', reject)
    doc.pipe(stream)
  })
  for (const p of paragraphs) doc.fontSize(11).text(p, { paragraphGap: 12 })
  doc.end()
  await done
}
