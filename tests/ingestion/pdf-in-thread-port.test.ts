import 'pdfjs-dist/legacy/build/pdf.worker.mjs'
import { PDFParse } from 'pdf-parse'
import { describe, expect, it } from 'vitest'
import { extractPages } from '../../src/adapters/pdf/extract-pages.js'
import { inThreadPortInUse } from '../../src/adapters/pdf/in-thread-port.js'
import { makeLongPdf, makeReportPdf, makeTruncatedPdf } from '../support/pdf-fixtures.js'

// With pdf.js's parser half loaded in this thread (as in a parse worker), extractPages talks to it over
// the shared in-thread port: the text must equal pdf-parse's own, and documents must not pile up handlers.
describe('extractPages over the in-thread pdf.js port', () => {
  it('returns the same page texts as pdf-parse on its own port, and leaves no handlers behind', async () => {
    const pdfs = [await makeReportPdf(), await makeLongPdf(25), await makeReportPdf({})]
    const listeners: number[] = []
    for (const pdf of pdfs) {
      const pages = await extractPages('pdf', new Uint8Array(pdf), { maxPages: 100 })
      const own = new PDFParse({ data: new Uint8Array(pdf), verbosity: 0 })
      const reference = await own.getText()
      await own.destroy()
      expect(pages.map((p) => p.text)).toEqual(reference.pages.map((p) => p.text))
      listeners.push(inThreadPortInUse()?.listenerCount ?? -1)
    }
    expect(inThreadPortInUse()).toBeDefined()
    expect(new Set(listeners).size).toBe(1)

    await expect(extractPages('pdf', new Uint8Array(await makeTruncatedPdf()), { maxPages: 100 })).rejects.toMatchObject({ code: 'invalid_pdf' })
    await extractPages('pdf', new Uint8Array(pdfs[0] ?? Buffer.alloc(0)), { maxPages: 100 })
    expect(inThreadPortInUse()?.listenerCount).toBe(listeners[0])
  })
})
