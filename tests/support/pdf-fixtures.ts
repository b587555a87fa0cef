import { deflateSync } from 'node:zlib'
import PDFDocument from 'pdfkit'

/**
 * PDFs the tests make themselves: a multi-page report with a running header and footer, page numbers,
 * headings and a table; a password-protected one; an image-only one; and broken bytes.
 */
export interface ReportOptions {
  readonly pages?: number
  /** changes the text so a re-ingest sees new content */
  readonly edition?: string
  readonly company?: string
  readonly paragraphsPerPage?: number
  readonly userPassword?: string
}

export const REPORT_HEADER = 'Acme Widgets Inc. | Annual Report 2023'
export const TABLE_ROWS: readonly (readonly string[])[] = [
  ['Segment', '2023', '2022', '2021'],
  ['Industrial widgets', '$ 1,234', '$ 1,100', '$ 998'],
  ['Consumer widgets', '567', '512', '470'],
  ['Total net sales', '$ 1,801', '$ 1,612', '$ 1,468'],
]

export function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    doc.on('data', (b: Buffer) => parts.push(b))
    doc.on('end', () => resolve(Buffer.concat(parts)))
    doc.on('error', reject)
    doc.end()
  })
}

const SENTENCES = [
  'The company designs, manufactures and sells widgets for industrial and consumer markets across three continents.',
  'Management believes that demand for precision widgets will continue to grow as factories automate their assembly lines.',
  'Operating margins improved because of lower freight costs and a favourable product mix in the second half of the year.',
  'The board reviews capital allocation each quarter, balancing investment in capacity with dividends and share repurchases.',
  'Risks include supplier concentration, changes in trade policy and the cost of raw materials such as steel and aluminium.',
]

/**
 * Layout per page: running header, body, footer "Page n of N". Page 1 opens PART I / Item 1. Business;
 * page 2 has "1.1 Market Overview"; page 3 opens Item 7 with a four-row table; later pages are body
 * text under "7.1 Liquidity" so chunks span pages.
 */
export async function makeReportPdf(options: ReportOptions = {}): Promise<Buffer> {
  const pages = options.pages ?? 4
  const edition = options.edition ?? 'first'
  const perPage = options.paragraphsPerPage ?? 3
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 72,
    autoFirstPage: false,
    ...(options.userPassword === undefined ? {} : { userPassword: options.userPassword, ownerPassword: 'owner-secret' }),
  })
  for (let p = 1; p <= pages; p++) {
    doc.addPage()
    doc.font('Helvetica').fontSize(9).text(REPORT_HEADER, 72, 40)
    doc.fontSize(11).text('', 72, 90)
    if (p === 1) {
      doc.font('Helvetica-Bold').fontSize(14).text('PART I').moveDown(0.5)
      doc.text('Item 1. Business').moveDown(0.5)
    } else if (p === 2) {
      doc.font('Helvetica-Bold').fontSize(12).text('1.1 Market Overview').moveDown(0.5)
    } else if (p === 3) {
      doc.font('Helvetica-Bold').fontSize(14).text('Item 7. Results of Operations').moveDown(0.5)
      doc.font('Helvetica').fontSize(11).text(`Net sales by segment (in millions), ${edition} edition:`).moveDown(0.5)
      let y = doc.y
      for (const row of TABLE_ROWS) {
        row.forEach((cell, i) => doc.text(cell, 72 + (i === 0 ? 0 : 180 + (i - 1) * 90), y, { lineBreak: false }))
        y += 18
      }
      doc.text('', 72, y + 12)
    } else if (p === 4) {
      doc.font('Helvetica-Bold').fontSize(12).text('7.1 Liquidity and Capital Resources').moveDown(0.5)
    }
    doc.font('Helvetica').fontSize(11)
    for (let i = 0; i < perPage; i++) {
      const s = SENTENCES[(p + i) % SENTENCES.length] ?? ''
      doc
        .text(`${s} This is the ${edition} edition, page ${p}, paragraph ${i + 1}. ${SENTENCES[(p + i + 2) % SENTENCES.length] ?? ''}`, {
          width: 468,
        })
        .moveDown(0.6)
    }
    doc.fontSize(9).text(`Page ${p} of ${pages}`, 72, 720, { lineBreak: false })
  }
  return collect(doc)
}

/** Page after page of plain text: big enough to watch an ingest in progress. */
export async function makeLongPdf(pages: number, edition = 'first'): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 72, autoFirstPage: false })
  for (let p = 1; p <= pages; p++) {
    doc.addPage()
    doc.font('Helvetica').fontSize(10)
    for (let i = 0; i < 6; i++) doc.text(`${SENTENCES[(p + i) % SENTENCES.length] ?? ''} (${edition} edition, page ${p}, part ${i + 1})`)
  }
  return collect(doc)
}

/** Only a picture on the page: no text layer at all. */
export async function makeImageOnlyPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 72 })
  doc.image(grayPng(64, 64), 72, 72, { width: 300 })
  doc.addPage()
  doc.image(grayPng(32, 32), 72, 72, { width: 200 })
  return collect(doc)
}

/** A valid PDF cut in half. */
export async function makeTruncatedPdf(): Promise<Buffer> {
  const full = await makeReportPdf({ pages: 3 })
  return full.subarray(0, Math.floor(full.length / 2))
}

/** Deterministic garbage that starts like nothing in particular. */
export function randomBytes(length = 4096, seed = 7): Buffer {
  const out = Buffer.alloc(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    out[i] = x & 0xff
  }
  return out
}

/** A minimal grayscale PNG (a diagonal gradient), built by hand so no image library is needed. */
function grayPng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = (x + y) * 2
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

/**
 * A one-page PDF whose content stream is `inflatedMb` MB of blanks, Flate-compressed (about 1000:1): a
 * "PDF bomb". The stream is deflated piece by piece, so building it never holds the inflated bytes.
 */
export async function makeInflateBombPdf(inflatedMb: number): Promise<Buffer> {
  const { createDeflate } = await import('node:zlib')
  const deflate = createDeflate({ level: 9 })
  const out: Buffer[] = []
  deflate.on('data', (b: Buffer) => out.push(b))
  const done = new Promise((resolve) => deflate.on('end', resolve))
  const blanks = Buffer.alloc(1024 * 1024, 0x20)
  for (let i = 0; i < inflatedMb; i++) {
    if (!deflate.write(blanks)) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  const stream = Buffer.concat(out)
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
  ]
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')]
  const offsets: number[] = []
  let length = parts[0]!.length
  const add = (b: Buffer): void => {
    parts.push(b)
    length += b.length
  }
  objects.forEach((body, i) => {
    offsets.push(length)
    add(Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`))
  })
  offsets.push(length)
  add(Buffer.from(`4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`))
  add(stream)
  add(Buffer.from('\nendstream\nendobj\n'))
  const xref = length
  add(
    Buffer.from(
      `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  )
  return Buffer.concat(parts)
}
