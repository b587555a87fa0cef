import { PDFParse } from 'pdf-parse'

type Listener = (event: { data: unknown }) => void

/**
 * pdf.js's two halves (document API and parser) talk over a port. In Node they share one thread through
 * pdf.js's LoopbackPort, which copies every message with `structuredClone`: for text extraction that is
 * mostly text items, and the V8 serializer round trip costs ~5 % of a parse. This port copies plain
 * objects and arrays in JavaScript instead (a copy is still needed: pdf.js reuses some objects after
 * sending them) and leaves anything else (typed arrays, Maps, errors) to `structuredClone`. Streamed text
 * content, the bulk of the traffic, is not copied at all (see {@link isTextContentChunk}).
 */
export class InThreadPort {
  readonly #listeners = new Set<Listener>()

  postMessage(message: unknown, transfer?: readonly unknown[]): void {
    const event = { data: isTextContentChunk(message) ? { ...message, chunk: { ...message.chunk } } : copy(message, transfer) }
    // Delivered later, like a real port: pdf.js relies on postMessage returning before the reply runs.
    void Promise.resolve().then(() => {
      for (const listener of this.#listeners) listener.call(this, event)
    })
  }

  /** pdf.js detaches a document's handler by aborting `signal` (never removeEventListener): honour it. */
  addEventListener(_name: string, listener: Listener, options?: { signal?: AbortSignal }): void {
    const signal = options?.signal
    if (signal?.aborted === true) return
    this.#listeners.add(listener)
    signal?.addEventListener('abort', () => this.#listeners.delete(listener), { once: true })
  }

  /** listeners attached now: one per live pdf.js message handler */
  get listenerCount(): number {
    return this.#listeners.size
  }

  removeEventListener(_name: string, listener: Listener): void {
    this.#listeners.delete(listener)
  }

  terminate(): void {
    this.#listeners.clear()
  }
}

/**
 * A chunk of streamed text content ({ items, styles, lang }). After sending one, pdf.js replaces the
 * chunk's items array and styles object with new ones and never touches the sent items again, so the
 * items can change hands as they are: a copy of the chunk object itself is enough.
 */
function isTextContentChunk(message: unknown): message is { chunk: { items: unknown[] } } {
  if (typeof message !== 'object' || message === null || !('streamId' in message) || !('chunk' in message)) return false
  const chunk = message.chunk
  return typeof chunk === 'object' && chunk !== null && 'items' in chunk && Array.isArray(chunk.items)
}

function copy(value: unknown, transfer: readonly unknown[] | undefined): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], transfer)
    return out
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key], transfer)
    return out
  }
  // A transferred buffer changes hands; sharing it within the thread is the same thing without the copy.
  if (ArrayBuffer.isView(value) && transfer?.includes(value.buffer) === true) return value
  if (value instanceof ArrayBuffer && transfer?.includes(value) === true) return value
  return structuredClone(value)
}

interface PdfjsWorkerSide {
  WorkerMessageHandler: { initializeFromPort(port: InThreadPort): void }
}
interface PdfjsApi {
  PDFWorker: new (options: { port: InThreadPort; verbosity?: number }) => unknown
}

let shared: unknown
let sharedPort: InThreadPort | undefined

/**
 * Drops the shared worker after a failed load: pdf-parse cannot destroy a document that never opened,
 * so its handlers would stay on the shared port; a fresh port lets them be garbage-collected.
 */
export function discardInThreadPdfWorker(): void {
  shared = undefined
  sharedPort = undefined
}

/** The shared port, for checks that documents do not leave handlers behind. */
export function inThreadPortInUse(): InThreadPort | undefined {
  return sharedPort
}

/**
 * A pdf.js worker object on an {@link InThreadPort}, made once per thread and shared by every document,
 * or undefined when pdf.js's parser half is not loaded in this thread (then pdf.js sets up its own).
 */
export function inThreadPdfWorker(): unknown {
  if (shared !== undefined) return shared
  const workerSide = (globalThis as { pdfjsWorker?: Partial<PdfjsWorkerSide> }).pdfjsWorker?.WorkerMessageHandler
  // setWorker() publishes pdf-parse's own pdf.js module as globalThis.pdfjs.
  PDFParse.setWorker()
  const api = (globalThis as { pdfjs?: Partial<PdfjsApi> }).pdfjs
  if (workerSide === undefined || api?.PDFWorker === undefined) return undefined
  const port = new InThreadPort()
  sharedPort = port
  workerSide.initializeFromPort(port)
  shared = new api.PDFWorker({ port, verbosity: 0 })
  return shared
}
