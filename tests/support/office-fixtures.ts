import ExcelJS from 'exceljs'
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx'
import pptxgenjs from 'pptxgenjs'

/**
 * Office files written by real libraries (docx, exceljs, pptxgenjs), so the readers are tested on what
 * Word, Excel and PowerPoint-compatible tools produce, not on hand-made XML.
 */

/** A DOCX: `# heading` lines become Word headings, `|a|b|` lines one table row each, the rest paragraphs. */
export async function makeDocx(lines: readonly string[]): Promise<Buffer> {
  const children: (Paragraph | Table)[] = []
  let rows: TableRow[] = []
  const flushTable = (): void => {
    if (rows.length > 0) children.push(new Table({ rows }))
    rows = []
  }
  for (const line of lines) {
    if (line.startsWith('|')) {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => new TableCell({ children: [new Paragraph(c.trim())] }))
      rows.push(new TableRow({ children: cells }))
      continue
    }
    flushTable()
    const heading = /^(#{1,3}) (.*)$/.exec(line)
    if (heading !== null) {
      const level = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3][(heading[1]?.length ?? 1) - 1]
      children.push(new Paragraph({ text: heading[2] ?? '', ...(level === undefined ? {} : { heading: level }) }))
    } else children.push(new Paragraph({ text: line, alignment: AlignmentType.LEFT }))
  }
  flushTable()
  return Packer.toBuffer(new Document({ sections: [{ children }] }))
}

/** An XLSX with one sheet per entry; the first row of each is its header row. */
export async function makeXlsx(sheets: Readonly<Record<string, readonly (readonly (string | number)[])[]>>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name)
    for (const row of rows) sheet.addRow([...row])
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** At run time the ESM build's default export is the class; the package's types, read as CommonJS under NodeNext, put it on `.default`. */
const PptxGenJS = pptxgenjs as unknown as typeof pptxgenjs.default

export interface SlideSpec {
  readonly title: string
  readonly text: readonly string[]
  readonly notes?: string
}

/** A PPTX whose slides have a real title placeholder, body text and speaker notes. */
export async function makePptx(slides: readonly SlideSpec[]): Promise<Buffer> {
  const pptx = new PptxGenJS()
  pptx.defineSlideMaster({
    title: 'TITLED',
    objects: [{ placeholder: { options: { name: 'title', type: 'title', x: 0.5, y: 0.3, w: 9, h: 1 }, text: '' } }],
  })
  for (const spec of slides) {
    const slide = pptx.addSlide({ masterName: 'TITLED' })
    slide.addText(spec.title, { placeholder: 'title' })
    slide.addText(
      spec.text.map((t) => ({ text: t, options: { breakLine: true } })),
      { x: 0.5, y: 1.5, w: 9, h: 3 },
    )
    if (spec.notes !== undefined) slide.addNotes(spec.notes)
  }
  const out = await pptx.write({ outputType: 'nodebuffer' })
  return Buffer.from(out as Uint8Array)
}
