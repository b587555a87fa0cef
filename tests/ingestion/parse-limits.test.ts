import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { createParserPool } from '../../src/adapters/pdf/parser-pool.js'
import { TEXT_PAGE_BYTES } from '../../src/adapters/pdf/extract-pages.js'
import { chunkBlocks } from '../../src/core/ingest/chunker.js'
import { makeInflateBombPdf, makeReportPdf } from '../support/pdf-fixtures.js'

describe('parse limits', () => {
  // A low budget keeps this test's memory modest; the default is RAGTUNE_PARSE_MEMORY_MB=512.
  const pool = createParserPool({ logger: pino({ level: 'silent' }), size: 1, maxDecodedMb: 48 })
  afterAll(() => pool.close())

  it('stops a PDF whose stream inflates far beyond its size, and parses the next file', { timeout: 60_000 }, async () => {
    const bomb = await makeInflateBombPdf(400)
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024)
    await expect(pool.parse({ name: 'bomb.pdf', kind: 'pdf', bytes: bomb, maxPages: 100 })).rejects.toMatchObject({
      code: 'file_too_complex',
      status: 413,
    })
    const next = await pool.parse({ name: 'report.pdf', kind: 'pdf', bytes: await makeReportPdf({ pages: 2 }), maxPages: 100 })
    expect(next.pages).toBe(2)
  })

  it('counts a text file in pages, so the page cap bounds it before it is decoded', async () => {
    const paragraph = 'Revenue grew in every region during the year, led by adhesives.\n\n'
    const text = paragraph.repeat(Math.ceil((TEXT_PAGE_BYTES * 3.5) / paragraph.length))
    const parsed = await pool.parse({ name: 'long.txt', kind: 'txt', bytes: Buffer.from(text), maxPages: 10 })
    expect(parsed.pages).toBe(4)
    const huge = Buffer.from(paragraph.repeat(Math.ceil((TEXT_PAGE_BYTES * 12) / paragraph.length)))
    await expect(pool.parse({ name: 'huge.txt', kind: 'txt', bytes: huge, maxPages: 10 })).rejects.toMatchObject({
      code: 'too_many_pages',
      status: 413,
    })
    // form feeds are page breaks
    expect(
      (await pool.parse({ name: 'ff.txt', kind: 'txt', bytes: Buffer.from('Page one text.\fPage two text.\fPage three.'), maxPages: 10 }))
        .pages,
    ).toBe(3)
  })

  it('lets the event loop run while it chunks a large text on the main thread', async () => {
    const blocks = Array.from({ length: 20_000 }, (_, i) => ({
      kind: 'paragraph' as const,
      text: `Paragraph ${i}: revenue grew ${i % 97} percent in region ${i % 13}.`,
      page: 1 + Math.floor(i / 40),
    }))
    let turns = 0
    let stop = false
    const spin = (): void => {
      if (stop) return
      turns++
      setImmediate(spin)
    }
    setImmediate(spin)
    const { chunks } = await chunkBlocks(blocks)
    stop = true
    expect(chunks.length).toBeGreaterThan(500)
    // Without yielding, not one other callback runs until chunking is done.
    expect(turns).toBeGreaterThan(1)
  })
})
