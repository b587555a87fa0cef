import fs from 'node:fs'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer } from '../../src/core/answer/answerer.js'
import { sourceLocator } from '../../src/core/answer/context.js'
import { createStaticVoiceResolver } from '../../src/core/answer/static-voice-resolver.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { isSupportedFile, sniffFileType } from '../../src/core/ingest/file-type.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { htmlToPages } from '../../src/adapters/documents/html-pages.js'
import { createIngestEnv, type IngestEnv } from '../support/ingest-env.js'
import { makeDocx, makePptx, makeXlsx } from '../support/office-fixtures.js'
import { makeReportPdf } from '../support/pdf-fixtures.js'

/** An EDGAR-style inline-XBRL 10-K: hidden ix:header facts, page breaks as styled divs and <hr>, page numbers, "$" cells. */
export function edgarHtml(): string {
  const page = (n: number, body: string): string =>
    `${body}<p style="text-align:center">${n}</p><div style="page-break-after: always"></div>`
  return `<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL">
<head><title>zeta-20231231</title><style>p { margin: 0 }</style></head>
<body>
<div style="display:none"><ix:header><ix:hidden><ix:nonNumeric name="dei:EntityRegistrantName">HIDDENFACT Zeta Registrant Name</ix:nonNumeric></ix:hidden>
<ix:resources><xbrli:context id="c1">HIDDENCONTEXT</xbrli:context></ix:resources></ix:header></div>
${page(1, '<p><b>UNITED STATES SECURITIES AND EXCHANGE COMMISSION</b></p><p>FORM 10-K</p><p>Zeta Robotics Inc. annual report for fiscal year 2023.</p>')}
${page(2, '<p><b>PART II</b></p><p><b>Item 7. Management&#8217;s Discussion and Analysis</b></p><p>Zeta sold 4,200 welding robots to carmakers in Ohio during the year.</p>')}
<hr style="page-break-after:always"/>
<p><b>Item 8. Financial Statements</b></p>
<table><tr><td></td><td>2023</td><td></td><td>2022</td></tr>
<tr><td>Purchases of property and equipment</td><td>$</td><td>(1,577</td><td>)</td><td>$</td><td>(1,373</td><td>)</td></tr>
<tr><td>Net revenue</td><td>$</td><td><ix:nonFraction name="us-gaap:Revenues" contextRef="c1">9,876</ix:nonFraction></td><td></td><td>$</td><td>8,765</td></tr></table>
<script>document.write('SCRIPTTEXT')</script>
<p style="text-align:center">3</p>
</body></html>`
}

const plainHtml = `<!DOCTYPE html><html><head><title>Press release</title><script>var x = "SCRIPTTEXT"</script></head>
<body><nav>Home | Investors</nav><h1>Quasar Foods reports first quarter results</h1><p>Quasar Foods opened 37 new bakeries in Spain.</p>
<h2>Outlook</h2><p>Quasar expects the oat milk line to launch in Norway.</p><template>TEMPLATETEXT</template></body></html>`

describe('reading HTML', () => {
  it('keeps visible text only, pages at EDGAR page breaks, tables as rows with their figures whole', () => {
    const { pages, units } = htmlToPages(edgarHtml())
    expect(units.kind).toBe('page')
    expect(pages).toHaveLength(3)
    const all = pages.map((p) => p.text).join('\n')
    expect(all).not.toMatch(/HIDDENFACT|HIDDENCONTEXT|SCRIPTTEXT|zeta-20231231|margin/)
    expect(pages[1]?.text).toContain('Zeta sold 4,200 welding robots')
    expect(pages[2]?.text.split('\n')).toContain('Purchases of property and equipment\t$(1,577)\t$(1,373)')
    expect(pages[2]?.text.split('\n')).toContain('Net revenue\t$9,876\t$8,765')
  })

  it('cuts a page-less document into sections at its top headings, named after them', () => {
    const { pages, units } = htmlToPages(plainHtml)
    expect(units).toEqual({ kind: 'section', names: ['Quasar Foods reports first quarter results', 'Outlook'] })
    expect(pages.map((p) => p.text)).toEqual([
      'Home | Investors\n# Quasar Foods reports first quarter results\nQuasar Foods opened 37 new bakeries in Spain.',
      '## Outlook\nQuasar expects the oat milk line to launch in Norway.',
    ])
  })
})

describe('content sniffing', () => {
  it.each([
    ['report.bin', '%PDF-1.7\n...', 'pdf'],
    ['filing.txt', '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>', 'html'],
    ['download.pdf', '<!DOCTYPE html><html><body>saved page</body></html>', 'html'],
    ['notes.md', '# Notes\ntext', 'md'],
    ['table.csv', 'a,b\n1,2', 'csv'],
    ['no-extension', 'plain words', 'txt'],
    ['latin1.txt', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x31]), 'txt'],
  ])('%s is read as %s', (name, data, kind) => {
    expect(sniffFileType(typeof data === 'string' ? Buffer.from(data) : data, name)).toBe(kind)
  })

  it('refuses what ragtune cannot read, whatever its name', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])
    expect(() => sniffFileType(png, 'chart.txt')).toThrow(expect.objectContaining({ code: 'unsupported_type', status: 415 }))
    expect(() => sniffFileType(ole, 'old.doc')).toThrow(/save it as \.docx/)
    expect(() => sniffFileType(Buffer.from('PK\x03\x04 some.jar entries'), 'lib.zip')).toThrow(
      expect.objectContaining({ code: 'unsupported_type' }),
    )
    expect(isSupportedFile('a/Deck.PPTX')).toBe(true)
    expect(isSupportedFile('legacy.xls')).toBe(false)
  })
})

describe('ingesting every format, cited by page, slide, sheet or section', () => {
  let env: IngestEnv
  /** The best-ranked source's place, and the extractive answer with the places it cites. */
  const ask = async (question: string): Promise<{ top: string | undefined; answer: string; locators: string[] }> => {
    const logger = pino({ level: 'silent' })
    const retriever = createHybridRetriever({ corpus: env.deps.corpus, logger })
    const best = (await retriever.retrieve(question)).sources[0]
    const answerer = createAnswerer({ retriever, chat: undefined, voices: createStaticVoiceResolver({ chatModel: undefined }), logger })
    const result = await answerer.ask(question)
    return {
      top: best === undefined ? undefined : `${best.documentId}: ${sourceLocator(best.meta, best.pageStart, best.pageEnd)}`,
      answer: result.answer,
      locators: result.citations.map((c) => `${c.documentId}: ${c.locator}`),
    }
  }
  let results: Awaited<ReturnType<typeof ingestPaths>>['results']

  beforeAll(async () => {
    env = createIngestEnv({ workers: 1 })
    const files = [
      env.write('zeta_2023_10k.htm', edgarHtml()),
      env.write('quasar-q1.html', plainHtml),
      env.write(
        'letter.docx',
        await makeDocx([
          '# Letter to shareholders',
          'Dear owners, our barge fleet grew to 61 vessels.',
          '# Results',
          '|Segment|2023|2022|',
          '|Barges|$610|$540|',
          'Thank you for your trust.',
        ]),
      ),
      env.write(
        'kpis.xlsx',
        await makeXlsx({
          Revenue: [
            ['Region', 'FY2023', 'FY2022'],
            ['Patagonia', 'USD 731', 'USD 650'],
            ['Lapland', 'USD 204', 'USD 190'],
          ],
          Headcount: [
            ['Team', 'People'],
            ['Glaciology', 88],
          ],
        }),
      ),
      env.write('stores.csv', 'City,Stores\nReykjavik,14\nTromso,9\n'),
      env.write(
        'deck.pptx',
        await makePptx([
          { title: 'Third quarter highlights', text: ['Subscribers reached 5.2 million'], notes: 'Mention the kayak rental partnership.' },
          { title: 'Outlook', text: ['Zeppelin tours launch in Bavaria next spring'] },
        ]),
      ),
      env.write('renamed.txt', await makeReportPdf({ pages: 2, edition: 'renamed' })),
      env.write('bad-word.docx', Buffer.from('PK\x03\x04 word/document.xml but not a zip at all')),
      env.write('bad-sheet.xlsx', 'plain words, not a workbook'),
      env.write('bad-deck.pptx', Buffer.from('PK\x03\x04 ppt/presentation.xml truncated')),
    ]
    const before = await env.deps.corpus.listDocuments()
    expect(before).toEqual([])
    ;({ results } = await ingestPaths(env.deps, files))
  }, 120_000)
  afterAll(async () => env.close())

  it('ingests the good files and gives each broken one its code, storing nothing for it', async () => {
    const status = Object.fromEntries(results.map((r) => [r.file.split('/').at(-1), r.status === 'failed' ? r.error?.code : `${r.pages}`]))
    expect(status).toEqual({
      'zeta_2023_10k.htm': '3',
      'quasar-q1.html': '2',
      'letter.docx': '2',
      'kpis.xlsx': '2',
      'stores.csv': '1',
      'deck.pptx': '2',
      'renamed.txt': '2',
      'bad-word.docx': 'invalid_docx',
      'bad-sheet.xlsx': 'invalid_xlsx',
      'bad-deck.pptx': 'invalid_pptx',
    })
    const ids = (await env.deps.corpus.listDocuments()).map((d) => d.id).sort()
    expect(ids).toEqual(['deck', 'kpis', 'letter', 'quasar-q1', 'renamed', 'stores', 'zeta_2023_10k'])
  })

  it.each([
    ['How many welding robots did Zeta sell?', 'zeta_2023_10k: p. 2', /4,200 welding robots/],
    ['What were Zeta purchases of property and equipment?', 'zeta_2023_10k: p. 3', /\(1,577\)/],
    ['Where will the oat milk line launch?', 'quasar-q1: section 2 (Outlook)', /Norway/],
    ['How many vessels are in the barge fleet?', 'letter: section 1 (Letter to shareholders)', /61 vessels/],
    ['Patagonia and Lapland figures by region', 'kpis: sheet Revenue', /Region FY2023 FY2022|Patagonia USD 731/],
    ['How many people work in Glaciology?', 'kpis: sheet Headcount', /Glaciology/],
    ['How many stores in Reykjavik?', 'stores: sheet stores', /Reykjavik 14/],
    ['Where do zeppelin tours launch?', 'deck: slide 2', /Bavaria/],
    ['What about the kayak rental partnership?', 'deck: slide 1', /kayak rental/],
  ])('%s → %s', async (question, locator, text) => {
    const { top, answer, locators } = await ask(question)
    expect(top).toBe(locator)
    expect(locators).toContain(locator)
    expect(answer).toMatch(text)
  })

  it('keeps a sheet row with its header row and a slide with its title and notes', () => {
    const text = (id: string): string[] =>
      env.deps.corpus.db
        .prepare<[string], { text: string }>('SELECT text FROM chunks WHERE document_id = ? ORDER BY ordinal')
        .all(id)
        .map((r) => r.text)
    expect(text('kpis')).toEqual([
      'Revenue\n\nRegion\tFY2023\tFY2022\nPatagonia\tUSD 731\tUSD 650\nLapland\tUSD 204\tUSD 190',
      'Headcount\n\nTeam\tPeople\nGlaciology\t88',
    ])
    expect(text('deck')[0]).toBe('Third quarter highlights\n\nSubscribers reached 5.2 million Notes: Mention the kayak rental partnership.')
  })

  it('stores no hidden XBRL facts or script text', async () => {
    for (const word of ['HIDDENFACT', 'SCRIPTTEXT', 'TEMPLATETEXT']) {
      const { locators } = await ask(word)
      expect(locators).toEqual([])
    }
    expect(fs.existsSync(env.dbPath)).toBe(true)
  })
})
