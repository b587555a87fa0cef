import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { AppError } from '../../errors.js'
import type { PageText } from '../../core/ingest/clean-pages.js'
import type { PageUnits } from '../../core/ingest/page-units.js'

/** The header row is repeated this often, so a chunk cut from a long sheet still says what its columns are. */
const HEADER_EVERY = 20
/** Cells per workbook: a bound on memory and on what one file can put in the index. */
const MAX_CELLS = 2_000_000

/**
 * Each sheet one unit, named after the sheet: a `# name` heading, then the rows as tab-separated lines
 * under their header row (the first non-empty row), repeated every {@link HEADER_EVERY} rows. Cells are
 * taken as the workbook shows them (formula results, formatted values). A CSV is one sheet named `csvName`.
 */
export async function sheetsToPages(
  kind: 'xlsx' | 'csv',
  bytes: Uint8Array,
  maxSheets: number,
  csvName = 'Sheet1',
): Promise<{ pages: PageText[]; units: PageUnits }> {
  const workbook = new ExcelJS.Workbook()
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  try {
    if (kind === 'xlsx') await workbook.xlsx.load(buffer as unknown as ArrayBuffer)
    // Values stay the strings the file has: no guessing of dates or numbers.
    else await workbook.csv.read(Readable.from([buffer]), { map: (value: unknown) => value, sheetName: csvName })
  } catch (err) {
    throw new AppError(
      `invalid_${kind}`,
      `not a readable ${kind === 'xlsx' ? 'Excel workbook' : 'CSV file'} (${errorText(err)}); re-export it from the spreadsheet program`,
      { status: 422, cause: err },
    )
  }
  const sheets = workbook.worksheets.filter((s) => s.state !== 'hidden' && s.state !== 'veryHidden')
  if (sheets.length > maxSheets) {
    throw new AppError(
      'too_many_pages',
      `the workbook has ${sheets.length} sheets, over the limit of ${maxSheets}; split it or raise RAGTUNE_MAX_PAGES`,
      { status: 413 },
    )
  }
  let cells = 0
  const pages: PageText[] = []
  const names: string[] = []
  for (const sheet of sheets) {
    const rows: string[] = []
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const values: string[] = []
      row.eachCell({ includeEmpty: true }, (cell) => {
        values.push(cell.text.replace(/\s+/g, ' ').trim())
      })
      cells += values.length
      while (values.length > 0 && values.at(-1) === '') values.pop()
      if (values.some((v) => v !== '')) rows.push(values.join('\t'))
    })
    if (cells > MAX_CELLS) {
      throw new AppError(
        'too_many_cells',
        `the workbook has over ${MAX_CELLS.toLocaleString('en-US')} cells; split it or export only the sheets that matter`,
        { status: 413 },
      )
    }
    const [header, ...data] = rows
    const lines = [`# ${sheet.name}`]
    if (header !== undefined) lines.push(header)
    data.forEach((r, i) => {
      if (i > 0 && i % HEADER_EVERY === 0 && header !== undefined) lines.push(header)
      lines.push(r)
    })
    pages.push({ page: pages.length + 1, text: lines.join('\n') })
    names.push(sheet.name)
  }
  return { pages, units: { kind: 'sheet', names } }
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 160)
}
