import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PDFParse } from 'pdf-parse'
import { createAnswerer } from '../../src/core/answer/answerer.js'
import { createStaticVoiceResolver } from '../../src/core/answer/static-voice-resolver.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { createHybridRetriever } from '../../src/core/retrieval/hybrid-retriever.js'
import { OCR_PACKAGES, ocrAvailable } from '../../src/adapters/pdf/ocr.js'
import { createIngestEnv, type IngestEnv } from '../support/ingest-env.js'
import { makeScannedPdf } from '../support/scan-fixtures.js'

// CI installs tesseract-ocr, tesseract-ocr-eng and poppler-utils (.ci/run), so the OCR branch is the one CI runs.
describe(`scanned PDFs (${ocrAvailable() ? 'tesseract installed: OCR' : 'no tesseract: the error names the packages'})`, () => {
  let env: IngestEnv
  let scan: Buffer
  beforeAll(async () => {
    env = createIngestEnv({ workers: 1 })
    scan = await makeScannedPdf([
      ['Harbor Lights Shipping Company', 'Annual letter to shareholders'],
      ['Our fleet carried 9,300 containers of', 'frozen salmon from Bergen to Rotterdam.'],
    ])
  }, 60_000)
  afterAll(async () => env.close())

  it('has no text layer (the fixture is a real scan)', async () => {
    const parser = new PDFParse({ data: new Uint8Array(scan), verbosity: 0 })
    const text = await parser.getText()
    await parser.destroy()
    expect(text.pages.map((p) => p.text.replace(/\s/g, ''))).toEqual(['', ''])
  })

  it('is OCRed in the parse workers and answers a question about its text, cited as OCR', async () => {
    const { results } = await ingestPaths(env.deps, [env.write('harbor-letter.pdf', scan)])
    if (!ocrAvailable()) {
      expect(results[0]).toMatchObject({ status: 'failed', error: { code: 'no_extractable_text' } })
      expect(results[0]?.error?.message).toContain(`apt-get install ${OCR_PACKAGES}`)
      expect(await env.deps.corpus.listDocuments()).toEqual([])
      return
    }
    expect(results[0]).toMatchObject({ status: 'ingested', pages: 2 })
    expect((await env.deps.corpus.getDocument('harbor-letter'))?.meta.ocrPages).toEqual([1, 2])
    const logger = pino({ level: 'silent' })
    const answerer = createAnswerer({
      retriever: createHybridRetriever({ corpus: env.deps.corpus, logger }),
      chat: undefined,
      voices: createStaticVoiceResolver({ chatModel: undefined }),
      logger,
    })
    const result = await answerer.ask('How many containers of frozen salmon did the fleet carry?')
    expect(result.answer).toMatch(/9,300 containers/)
    // the two short pages make one chunk: its span covers the page the sentence is on
    expect(result.citations[0]).toMatchObject({ documentId: 'harbor-letter', pageEnd: 2, locator: 'p. 1-2 (OCR)' })
  }, 120_000)
})
