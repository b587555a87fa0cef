import { describe, expect, it } from 'vitest'
import { cleanPages } from '../../src/core/ingest/clean-pages.js'
import { structureDocument } from '../../src/core/ingest/prepare-document.js'
import { detectBlocks, headingLevel, isTableRow } from '../../src/core/ingest/blocks.js'
import { chunkBlocks } from '../../src/core/ingest/chunker.js'
import { detectMetadata } from '../../src/core/ingest/metadata.js'
import { contextualHeader } from '../../src/core/ingest/contextual-header.js'
import { deriveDocumentId, versionFingerprint } from '../../src/core/ingest/identity.js'
import { buildFtsMatch } from '../../src/adapters/sqlite/fts-query.js'
import { countTokens } from '../../src/core/ingest/tokenizer.js'

const page = (n: number, body: string): { page: number; text: string } => ({
  page: n,
  text: `ACME CORP ANNUAL REPORT 2023\n${body}\n${n}`,
})

describe('cleanPages', () => {
  it('drops running headers and page numbers, keeps body text', () => {
    const pages = [1, 2, 3, 4].map((n) => page(n, `Body text of page ${n}.`))
    const cleaned = cleanPages(pages)
    expect(cleaned.map((p) => p.lines)).toEqual([1, 2, 3, 4].map((n) => [`Body text of page ${n}.`]))
  })

  it('treats "Page 3 of 9" footers that vary by number as the same furniture', () => {
    const bodies = ['Sales grew in 2023.', 'Margins rose by 2 points.', 'Cash was 5 million.']
    const pages = bodies.map((b, i) => ({ page: i + 1, text: `${b}\nPage ${i + 1} of 3` }))
    expect(cleanPages(pages).flatMap((p) => p.lines)).toEqual(bodies)
  })

  it('keeps a repeated line in short documents (two pages are not a pattern)', () => {
    const pages = [1, 2].map((n) => ({ page: n, text: `Same title\nText ${n}.` }))
    expect(cleanPages(pages).flatMap((p) => p.lines)).toContain('Same title')
  })

  it.each([
    ['joins a hyphenated word across lines', 'the manu-\nfacturing plant', ['the manufacturing plant']],
    ['keeps a real dash before a capital', 'cost of well-\nKnown items', ['cost of well-', 'Known items']],
    ['normalises spaces and keeps tab cells', 'Net  sales \t 1,234\t 1,100', ['Net sales\t1,234\t1,100']],
    ["drops empty cells at a row's ends", '\t \tTotal\t\t 9 \t ', ['Total\t\t9']],
    ['treats CR, CRLF and odd spaces like LF and space', 'Net\u00a0\u00a0sales\r\n  up  \rdown\u2009 ', ['Net sales', 'up', 'down']],
  ])('%s', (_name, text, lines) => {
    expect(cleanPages([{ page: 5, text }])[0]?.lines).toEqual(lines)
  })
})

describe('structureDocument', () => {
  it.each([
    ['digits only', '12\n34', false],
    ['two letters', 'a 1\nb 2', false],
    ['letters across lines', 'a 1\nb 2\nfoo', true],
  ])('a text layer needs three letters: %s', (_name, text, ok) => {
    const run = (): unknown => structureDocument([{ page: 1, text }])
    if (ok) expect(run).not.toThrow()
    else expect(run).toThrow(expect.objectContaining({ code: 'no_extractable_text' }))
  })
})

describe('block detection', () => {
  it.each([
    ['PART II', 1],
    ['Item 7. Management’s Discussion and Analysis of Financial Condition and Results of Operations.', 2],
    ['Note 4. Goodwill', 3],
    ['1.1 Market Overview', 4],
    ['RESULTS OF OPERATIONS', 3],
    ['The company sold widgets.', undefined],
    ['Revenue grew 5% to $1,234 million in 2023, driven by volume', undefined],
  ])('heading level of %j is %s', (line, level) => {
    expect(headingLevel(line, false)).toBe(level)
  })

  it.each([
    ['Total net sales $ 1,801 $ 1,612 $ 1,468', true],
    ['Segment\t2023\t2022', true],
    ['Net sales were $1,801 million in 2023 compared with $1,612 million.', false],
    ['Consumer widgets 567 512 470', true],
    ['Other charges — —', true],
    ['Other income — — 12', true],
    ['A well-known widget maker', false],
  ])('table row %j → %s', (line, expected) => {
    expect(isTableRow(line)).toBe(expected)
  })

  it('joins wrapped lines into paragraphs and keeps table rows one per line', () => {
    const blocks = detectBlocks([
      {
        page: 3,
        lines: [
          'Item 7. Results',
          'Sales grew in every region this',
          'year, led by industrial widgets.',
          'Segment 2023 2022',
          'Industrial $ 1,234 $ 1,100',
          'Consumer 567 512',
          'After the table comes more text.',
        ],
      },
    ])
    expect(blocks.map((b) => [b.kind, b.text])).toEqual([
      ['heading', 'Item 7. Results'],
      ['paragraph', 'Sales grew in every region this year, led by industrial widgets.'],
      ['table', 'Segment 2023 2022\nIndustrial $ 1,234 $ 1,100\nConsumer 567 512'],
      ['paragraph', 'After the table comes more text.'],
    ])
  })

  it('reads markdown headings in .md files', () => {
    const blocks = detectBlocks([{ page: 1, lines: ['# Guide', '## Setup', 'Run it.'] }], { markdown: true })
    expect(blocks.map((b) => [b.kind, b.level])).toEqual([
      ['heading', 1],
      ['heading', 2],
      ['paragraph', undefined],
    ])
  })
})

describe('chunkBlocks', () => {
  const sentence = 'Widgets are sold to factories and shops in many countries around the world every year. '
  const blocks = [
    { kind: 'heading' as const, text: 'PART I', page: 1, level: 1 },
    { kind: 'heading' as const, text: 'Item 1. Business', page: 1, level: 2 },
    ...[1, 2, 3, 4].map((n) => ({ kind: 'paragraph' as const, text: sentence.repeat(3).trim(), page: n })),
    { kind: 'heading' as const, text: 'Item 7. Results', page: 5, level: 2 },
    { kind: 'table' as const, text: 'Segment 2023 2022\nIndustrial $ 1,234 $ 1,100\nConsumer 567 512', page: 5 },
    { kind: 'paragraph' as const, text: sentence.repeat(40).trim(), page: 6 },
  ]

  it('gives every chunk exact offsets, page span, section path and a token budget', async () => {
    const { text, chunks } = await chunkBlocks(blocks, { maxTokens: 120, overlapTokens: 20 })
    expect(chunks.length).toBeGreaterThan(4)
    chunks.forEach((c, i) => {
      expect(c.ordinal).toBe(i)
      expect(text.slice(c.charStart, c.charEnd)).toBe(c.text)
      expect(c.pageEnd).toBeGreaterThanOrEqual(c.pageStart)
      expect(countTokens(c.text)).toBeLessThanOrEqual(130)
    })
    expect(chunks[0]?.sectionPath).toEqual(['PART I', 'Item 1. Business'])
    expect(chunks[0]?.text.startsWith('PART I\n\nItem 1. Business')).toBe(true)
    const results = chunks.filter((c) => c.sectionPath.at(-1) === 'Item 7. Results')
    expect(results[0]?.sectionPath).toEqual(['PART I', 'Item 7. Results'])
    expect(results[0]?.text).toContain('Segment 2023 2022\nIndustrial $ 1,234 $ 1,100\nConsumer 567 512')
    expect(chunks.some((c) => c.pageStart < c.pageEnd)).toBe(true)
  })

  it('overlaps consecutive chunks of one section, never across a heading', async () => {
    const { chunks } = await chunkBlocks(blocks, { maxTokens: 120, overlapTokens: 20 })
    const business = chunks.filter((c) => c.sectionPath.at(-1) === 'Item 1. Business')
    expect(business.length).toBeGreaterThan(1)
    for (let i = 1; i < business.length; i++) expect(business[i]!.charStart).toBeLessThan(business[i - 1]!.charEnd)
    const firstResults = chunks.find((c) => c.sectionPath.at(-1) === 'Item 7. Results')
    expect(firstResults?.text.startsWith('Item 7. Results')).toBe(true)
  })
})

describe('metadata and identity', () => {
  it.each([
    ['3M_2018_10K.pdf', { title: '3M 2018 Form 10-K', company: '3M', fiscalYear: 2018, docType: '10-K' }],
    [
      'PEPSICO_2023Q1_EARNINGS.pdf',
      { title: 'PEPSICO 2023 Q1 earnings release', company: 'PEPSICO', fiscalYear: 2023, fiscalQuarter: 1, docType: 'earnings' },
    ],
    ['AMCOR_2022_8K_dated-2022-07-01.pdf', { company: 'AMCOR', fiscalYear: 2022, docType: '8-K', date: '2022-07-01' }],
    ['FOOTLOCKER_2022_8K_dated_2022-08-19.pdf', { company: 'FOOTLOCKER', docType: '8-K', date: '2022-08-19' }],
    ['notes.md', { title: 'notes' }],
  ])('from the file name %s', (name, expected) => {
    expect(detectMetadata(name, '')).toMatchObject(expected)
  })

  it('takes the registrant name from a 10-K cover and lets overrides win', () => {
    const cover =
      'FORM 10-K\nFor the fiscal year ended December 31, 2018\n3M COMPANY\n(Exact name of registrant as specified in its charter)'
    expect(detectMetadata('report.pdf', cover)).toMatchObject({ company: '3M Company', fiscalYear: 2018, docType: '10-K' })
    expect(detectMetadata('3M_2018_10K.pdf', cover, { title: 'Custom', fiscalYear: 2019 })).toMatchObject({
      title: 'Custom',
      company: '3M Company',
      fiscalYear: 2019,
    })
  })

  it('records the trading symbols of the cover, or none', () => {
    const cover = 'FORM 10-K\nZephyr Tools Corporation\nCommon Stock, $0.01 par value   ZEPH   New York Stock Exchange'
    expect(detectMetadata('ZEPHYR_2023_10K.pdf', cover).tickers).toEqual(['ZEPH'])
    expect(detectMetadata('ZEPHYR_2023_10K.pdf', 'FORM 10-K\nZephyr Tools Corporation').tickers).toEqual([])
  })

  it('builds a contextual header with title, period, type and section', () => {
    const meta = detectMetadata('3M_2018_10K.pdf', '')
    expect(contextualHeader(meta, ['PART II', 'Item 7. MD&A', 'Results'])).toBe(
      '3M 2018 Form 10-K | FY2018 | 10-K | PART II > Item 7. MD&A > Results',
    )
  })

  it('derives ids from file names and fingerprints what shapes a version', () => {
    expect(deriveDocumentId('/x/3M_2018_10K.pdf')).toBe('3m_2018_10k')
    expect(deriveDocumentId('Q1 Report (final).PDF')).toBe('q1-report-final')
    const base = { sha256: 'abc', embeddingModel: undefined, overrides: {}, chunking: { maxTokens: 480, overlapTokens: 60 } }
    expect(versionFingerprint(base)).toBe(versionFingerprint({ ...base }))
    expect(versionFingerprint(base)).not.toBe(versionFingerprint({ ...base, embeddingModel: 'openai:text-embedding-3-small' }))
    expect(versionFingerprint(base)).not.toBe(versionFingerprint({ ...base, overrides: { company: 'X' } }))
  })
})

describe('buildFtsMatch', () => {
  it.each([
    [['revenue', 'growth'], [], '"revenue" OR "growth"'],
    [['say "hi"'], [], '"say ""hi"""'],
    [['NEAR(a b)', '*', '-'], [], '"NEAR(a b)"'],
    [[], [['net', 'sales']], '"net sales"'],
    [['', '  '], [], undefined],
  ])('%j %j → %s', (terms, phrases, expected) => {
    expect(buildFtsMatch(terms, phrases)).toBe(expected)
  })
})
