import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import { collect } from './pdf-fixtures.js'

/**
 * A scanned document: each page's text is typeset, rendered to a PNG by poppler's pdftoppm, and only
 * that picture goes into the PDF, so it has no text layer at all, like a scanner's output.
 */
export async function makeScannedPdf(pages: readonly (readonly string[])[]): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-scan-'))
  try {
    const typeset = new PDFDocument({ size: 'LETTER', margin: 72, autoFirstPage: false })
    for (const lines of pages) {
      typeset.addPage()
      typeset.font('Helvetica').fontSize(16)
      for (const line of lines) typeset.text(line).moveDown(0.6)
    }
    const source = path.join(dir, 'typeset.pdf')
    fs.writeFileSync(source, await collect(typeset))
    execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', source, path.join(dir, 'page')])
    const images = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
    const scan = new PDFDocument({ size: 'LETTER', margin: 0, autoFirstPage: false })
    for (const image of images) {
      scan.addPage()
      scan.image(path.join(dir, image), 0, 0, { width: 612, height: 792 })
    }
    return await collect(scan)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
