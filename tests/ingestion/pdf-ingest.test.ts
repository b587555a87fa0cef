import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { REPORT_HEADER, TABLE_ROWS, makeImageOnlyPdf, makeReportPdf, makeTruncatedPdf, randomBytes } from '../support/pdf-fixtures.js'
import { createIngestEnv, type IngestEnv } from '../support/ingest-env.js'

interface Row {
  version: number
  ordinal: number
  text: string
  header: string
  page_start: number
  page_end: number
  section_path: string
}

describe('ingesting generated PDFs', () => {
  let env: IngestEnv
  let report: string
  const rows = (id: string): Row[] =>
    env.deps.corpus.db
      .prepare<[string], Row>(
        'SELECT version, ordinal, text, header, page_start, page_end, section_path FROM chunks WHERE document_id = ? ORDER BY ordinal',
      )
      .all(id)
  const count = (sql: string): number => env.deps.corpus.db.prepare<[], { n: number }>(sql).get()?.n ?? -1

  beforeAll(async () => {
    env = createIngestEnv({ chunking: { maxTokens: 160, overlapTokens: 24 } })
    report = env.write('ACME_2023_10K.pdf', await makeReportPdf({ pages: 6 }))
  })
  afterAll(() => env.close())

  it('stores page spans, heading paths and headers, without the running header or page numbers', async () => {
    const { results, summary } = await ingestPaths(env.deps, [report])
    expect(results).toEqual([expect.objectContaining({ documentId: 'acme_2023_10k', version: 1, status: 'ingested', pages: 6 })])
    expect(summary).toMatchObject({ files: 1, ingested: 1, failed: 0, pages: 6 })
    const chunks = rows('acme_2023_10k')
    expect(chunks.length).toBeGreaterThan(3)
    for (const c of chunks) {
      expect(c.text).not.toContain(REPORT_HEADER)
      expect(c.text).not.toMatch(/Page \d+ of 6/)
      expect(c.page_start).toBeGreaterThanOrEqual(1)
      expect(c.page_end).toBeLessThanOrEqual(6)
      expect(c.header.startsWith('ACME 2023 Form 10-K | FY2023 | 10-K')).toBe(true)
    }
    const pageOf = (needle: string): Row | undefined => chunks.find((c) => c.text.includes(needle))
    expect(pageOf('page 2, paragraph 1')?.page_start).toBe(2)
    expect(pageOf('page 5, paragraph 2')).toMatchObject({ page_start: expect.any(Number), page_end: expect.any(Number) })
    expect(pageOf('page 5, paragraph 2')!.page_start).toBeLessThanOrEqual(5)
    expect(pageOf('page 5, paragraph 2')!.page_end).toBeGreaterThanOrEqual(5)
    expect(JSON.parse(pageOf('page 2, paragraph 1')!.section_path)).toEqual(['PART I', 'Item 1. Business', '1.1 Market Overview'])
    expect(JSON.parse(pageOf('page 5, paragraph 1')!.section_path)).toEqual([
      'PART I',
      'Item 7. Results of Operations',
      '7.1 Liquidity and Capital Resources',
    ])
    expect(pageOf('page 2, paragraph 1')!.header).toContain('1.1 Market Overview')
  })

  it('keeps the table whole: every row on its own line, in one chunk, on its page', async () => {
    const table = TABLE_ROWS.map((r) => r.join(' ')).join('\n')
    const holder = rows('acme_2023_10k').find((c) => c.text.includes(table))
    expect(holder).toBeDefined()
    expect(holder!.page_start).toBe(3)
    expect(JSON.parse(holder!.section_path)).toEqual(['PART I', 'Item 7. Results of Operations'])
    const hits = await env.deps.corpus.keywordSearch({ terms: ['industrial', 'widgets'], phrases: [['total', 'net', 'sales']], limit: 3 })
    expect(hits[0]?.chunk.text).toContain('Total net sales $ 1,801 $ 1,612 $ 1,468')
  })

  it('answers unchanged for the same file and writes no rows', async () => {
    const before = count('SELECT COUNT(*) AS n FROM chunks') + count('SELECT COUNT(*) AS n FROM document_versions')
    const { results } = await ingestPaths(env.deps, [report])
    expect(results[0]).toMatchObject({ status: 'unchanged', version: 1, pages: 6 })
    expect(count('SELECT COUNT(*) AS n FROM chunks') + count('SELECT COUNT(*) AS n FROM document_versions')).toBe(before)
  })

  it('a changed file becomes version 2 and version 1 chunks are gone', async () => {
    fs.writeFileSync(report, await makeReportPdf({ pages: 6, edition: 'second' }))
    const { results } = await ingestPaths(env.deps, [report])
    expect(results[0]).toMatchObject({ status: 'ingested', version: 2 })
    const chunks = rows('acme_2023_10k')
    expect(new Set(chunks.map((c) => c.version))).toEqual(new Set([2]))
    expect(chunks.some((c) => c.text.includes('first edition'))).toBe(false)
    expect(count('SELECT COUNT(*) AS n FROM chunks_fts WHERE chunks_fts MATCH \'"first edition"\'')).toBe(0)
    expect((await env.deps.corpus.getDocument('acme_2023_10k'))?.activeVersion).toBe(2)
  })

  it('gives every bad input its code and still ingests the rest of the batch', async () => {
    const bad = path.join(env.dir, 'bad')
    fs.mkdirSync(path.join(bad, 'empty-dir'), { recursive: true })
    fs.writeFileSync(path.join(bad, 'empty-dir', 'readme.doc'), 'not supported in a walk')
    const files = {
      zero: env.write('zero.pdf', new Uint8Array()),
      truncated: env.write('truncated.pdf', await makeTruncatedPdf()),
      random: env.write('random.pdf', randomBytes()),
      encrypted: env.write('locked.pdf', await makeReportPdf({ pages: 3, userPassword: 'secret' })),
      image: env.write('scan.pdf', await makeImageOnlyPdf()),
      docx: env.write('notes.docx', 'word file'),
      png: env.write('photo.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])),
      good: env.write('good.pdf', await makeReportPdf({ pages: 3, edition: 'good' })),
      text: env.write('memo.txt', 'A memo about widget prices.\n\nPrices rise in May.'),
    }
    const before = await env.deps.corpus.listDocuments()
    const { results, summary } = await ingestPaths(env.deps, [
      ...Object.values(files),
      path.join(bad, 'empty-dir'),
      path.join(env.dir, 'missing.pdf'),
    ])
    const code = (file: string): string | undefined => results.find((r) => r.file === file)?.error?.code
    expect(code(files.zero)).toBe('empty_file')
    expect(code(files.truncated)).toBe('invalid_pdf')
    expect(code(files.random)).toBe('invalid_pdf')
    expect(code(files.encrypted)).toBe('encrypted_pdf')
    expect(code(files.image)).toBe('no_extractable_text')
    expect(results.find((r) => r.file === files.image)?.error?.message).toMatch(/no extractable text/)
    // named .docx but not a Word file: the DOCX reader says so; an image named .txt is of no type ragtune reads
    expect(code(files.docx)).toBe('invalid_docx')
    expect(code(files.png)).toBe('unsupported_type')
    expect(code(path.join(bad, 'empty-dir'))).toBe('no_supported_files')
    expect(code(path.join(env.dir, 'missing.pdf'))).toBe('not_found')
    expect(results.find((r) => r.file === files.good)).toMatchObject({ status: 'ingested', pages: 3 })
    expect(results.find((r) => r.file === files.text)).toMatchObject({ status: 'ingested', pages: 1 })
    // the file of another type found by walking the directory is reported as skipped, not failed
    expect(results.find((r) => r.file === path.join(bad, 'empty-dir', 'readme.doc'))).toMatchObject({
      status: 'skipped',
      error: { code: 'unsupported_type' },
    })
    expect(summary).toMatchObject({ files: 12, ingested: 2, failed: 9, skipped: 1 })
    const after = await env.deps.corpus.listDocuments()
    expect(after.map((d) => d.id).sort()).toEqual([...before.map((d) => d.id), 'good', 'memo'].sort())
    expect(await env.deps.corpus.getDocument('scan')).toBeUndefined()
  })

  it('refuses files over the size or page limit', async () => {
    const small = createIngestEnv({ maxFileBytes: 2000, maxPages: 2, workers: 0 })
    try {
      const big = small.write('big.txt', 'x '.repeat(2000))
      const long = small.write('long.pdf', await makeReportPdf({ pages: 3 }))
      const { results } = await ingestPaths({ ...small.deps, limits: { maxFileBytes: 1024 * 1024, maxPages: 2 } }, [long])
      expect(results[0]?.error?.code).toBe('too_many_pages')
      const sized = await ingestPaths(small.deps, [big])
      expect(sized.results[0]?.error?.code).toBe('file_too_large')
      expect(await small.deps.corpus.listDocuments()).toEqual([])
    } finally {
      await small.close()
    }
  })
})
