import 'pdfjs-dist/legacy/build/pdf.worker.mjs'
import { PDFParse } from 'pdf-parse'
import { describe, expect, it } from 'vitest'
import { extractPages } from '../../src/adapters/pdf/extract-pages.js'
import { InThreadPort, inThreadPortInUse } from '../../src/adapters/pdf/in-thread-port.js'
import { makeLongPdf, makeReportPdf, makeTruncatedPdf } from '../support/pdf-fixtures.js'

// With pdf.js's parser half loaded in this thread (as in a parse worker), extractPages talks to it over
// the shared in-thread port: the text must equal pdf-parse's own, and documents must not pile up handlers.
describe('extractPages over the in-thread pdf.js port', () => {
  it('returns the same page texts as pdf-parse on its own port, and leaves no handlers behind', async () => {
    const pdfs = [await makeReportPdf(), await makeLongPdf(25), await makeReportPdf({})]
    const listeners: number[] = []
    for (const pdf of pdfs) {
      const { pages } = await extractPages('pdf', new Uint8Array(pdf), { maxPages: 100 })
      const own = new PDFParse({ data: new Uint8Array(pdf), verbosity: 0 })
      const reference = await own.getText()
      await own.destroy()
      expect(pages.map((p) => p.text)).toEqual(reference.pages.map((p) => p.text))
      listeners.push(inThreadPortInUse()?.listenerCount ?? -1)
    }
    expect(inThreadPortInUse()).toBeDefined()
    expect(new Set(listeners).size).toBe(1)

    await expect(extractPages('pdf', new Uint8Array(await makeTruncatedPdf()), { maxPages: 100 })).rejects.toMatchObject({
      code: 'invalid_pdf',
    })
    await extractPages('pdf', new Uint8Array(pdfs[0] ?? Buffer.alloc(0)), { maxPages: 100 })
    expect(inThreadPortInUse()?.listenerCount).toBe(listeners[0])
  })
})

describe('InThreadPort', () => {
  const received = async (port: InThreadPort, message: unknown, afterSend: () => void): Promise<unknown> => {
    const got = new Promise<unknown>((resolve) => port.addEventListener('message', (e) => resolve(e.data)))
    port.postMessage(message)
    afterSend()
    return got
  }

  it('copies plain messages, so a sender reusing its objects does not change what was sent', async () => {
    const args = { page: { num: 1 }, list: [1, 2] }
    const data = await received(new InThreadPort(), { action: 'GetPage', data: args }, () => {
      args.page.num = 99
      args.list.push(3)
    })
    expect(data).toEqual({ action: 'GetPage', data: { page: { num: 1 }, list: [1, 2] } })
  })

  it('hands streamed text items over as they are, while the chunk pdf.js refills is copied', async () => {
    const item = { str: 'Net sales', transform: [1, 0, 0, 1, 72, 700] }
    const chunk = { items: [item], styles: { f1: { fontFamily: 'serif' } }, lang: null as string | null }
    const data = (await received(new InThreadPort(), { sourceName: 'worker', targetName: 'main', stream: 4, streamId: 7, chunk }, () => {
      // what pdf.js does after enqueueing a chunk
      chunk.items = []
      chunk.lang = 'en'
    })) as { chunk: typeof chunk }
    expect(data.chunk.items).toHaveLength(1)
    expect(data.chunk.items[0]).toBe(item)
    expect(data.chunk.lang).toBeNull()
  })
})
