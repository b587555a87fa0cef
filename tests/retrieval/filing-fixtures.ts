import fs from 'node:fs'
import path from 'node:path'
import PDFDocument from 'pdfkit'

/**
 * Tiny made-up "10-K"s: a cover page naming the registrant, a narrative MD&A page that talks about
 * capital in prose (the distractor for plain keyword search), a balance sheet and a cash flow statement
 * that prints capex only as "Purchases of property, plant and equipment".
 */
export interface FilingSpec {
  readonly file: string
  readonly registrant: string
  /** trading symbol printed on the cover, if any */
  readonly ticker?: string
  readonly year: number
  /** the capex figure printed on the cash flow statement */
  readonly capex: string
  /** adds a last page, "Item 1. Business": what the company makes and its segments */
  readonly business?: string
}

export const CASH_FLOW_PAGE = 4
export const BUSINESS_PAGE = 5

function pages(spec: FilingSpec): string[][] {
  const y = spec.year
  return [
    [
      'UNITED STATES SECURITIES AND EXCHANGE COMMISSION',
      'FORM 10-K',
      `For the fiscal year ended December 31, ${y}`,
      spec.registrant,
      '(Exact name of registrant as specified in its charter)',
      ...(spec.ticker === undefined
        ? []
        : [
            'Title of each class Trading Symbol Name of each exchange on which registered',
            `Common Stock, $0.01 par value ${spec.ticker} New York Stock Exchange`,
          ]),
    ],
    [
      "Item 7. Management's Discussion and Analysis",
      `In ${y} our capital allocation priorities were unchanged. We describe the amount of expenditure on research`,
      'and the capital we return to shareholders. Management believes the capital structure remains strong and the',
      'amount of expenditure on marketing grew in line with sales. Capital markets access remained good all year.',
    ],
    [
      'CONSOLIDATED BALANCE SHEET',
      `(Millions) ${y} ${y - 1}`,
      'Cash and cash equivalents 2,853 3,053',
      'Accounts receivable 5,020 4,911',
      'Total inventories 4,366 4,034',
      'Total current assets 13,709 14,277',
      'Property, plant and equipment, net 8,738 8,866',
      'Total assets 36,500 37,987',
      'Total current liabilities 7,244 7,687',
      'Total liabilities 26,652 26,365',
      "Total shareholders' equity 9,848 11,622",
    ],
    [
      'CONSOLIDATED STATEMENT OF CASH FLOWS',
      `(Millions) ${y} ${y - 1}`,
      'Cash Flows from Operating Activities',
      'Net income 5,363 4,869',
      'Depreciation and amortization 1,488 1,544',
      'Net cash provided by operating activities 6,439 6,240',
      'Cash Flows from Investing Activities',
      `Purchases of property, plant and equipment (${spec.capex}) (1,373)`,
      'Proceeds from sale of businesses 846 1,065',
      'Net cash used in investing activities (222) (3,086)',
      'Cash Flows from Financing Activities',
      'Dividends paid to shareholders (3,193) (2,803)',
      'Net cash used in financing activities (6,701) (2,655)',
    ],
    ...(spec.business === undefined
      ? []
      : [
          [
            'Item 1. Business',
            'Overview',
            `${spec.registrant} ${spec.business}`,
            'We report two segments, Industrial and Consumer, and sell our products to customers in 60 countries.',
          ],
        ]),
  ]
}

export async function writeFiling(dir: string, spec: FilingSpec): Promise<string> {
  const file = path.join(dir, spec.file)
  const doc = new PDFDocument({ autoFirstPage: false })
  const out = fs.createWriteStream(file)
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve)
    out.on('error', reject)
  })
  doc.pipe(out)
  for (const lines of pages(spec)) {
    doc.addPage()
    doc.fontSize(11)
    for (const line of lines) doc.text(line)
  }
  doc.end()
  await done
  return file
}
