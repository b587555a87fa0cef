import { createRequire } from 'node:module'
import os from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from '../../logger.js'
import { AppError } from '../../errors.js'
import type { DocumentParser, ParsedDocument, ParseProgress, ParseRequest } from '../../core/ingest/document-parser.js'
import type { WorkerReply, WorkerTask } from './parse-task.js'
import { siblingModule, workerLoaderPrelude } from '../worker-loader.js'

interface Pending {
  readonly task: WorkerTask
  readonly onProgress: ((p: ParseProgress) => void) | undefined
  readonly signal: AbortSignal | undefined
  resolve(doc: ParsedDocument): void
  reject(err: Error): void
}

interface Slot {
  worker: Worker
  busy: Pending | undefined
  /** set while the slot waits for work: ends the worker when it fires */
  idle?: NodeJS.Timeout | undefined
}

/**
 * A worker's entry is a small script (see worker-loader.ts for how it loads TypeScript from the sources)
 * that loads parse-task. pdf.js loads
 * natively first: through tsx, its 2 MB worker module gets transformed and held twice, roughly doubling
 * each worker's memory. pdf.js picks up its worker-side
 * handler from `globalThis.pdfjsWorker` instead of importing it later. Paths are resolved here, so the
 * worker works whatever the current directory.
 */
/** ArrayBuffer memory one parse may use (decoded streams, images); RAGTUNE_PARSE_MEMORY_MB overrides. */
const DEFAULT_DECODED_MB = 512

const requireHere = createRequire(import.meta.url)
const resolveEsm = (specifier: string): string | undefined => {
  try {
    return import.meta.resolve(specifier)
  } catch {
    return undefined
  }
}
/** How many nice levels below the process parse workers run, so answers keep a core under ingest load. */
export const PARSE_NICE = 10
const PRELOAD = ['pdf-parse'].map(resolveEsm).filter((u) => u !== undefined)
const PDFJS_WORKER = pathToFileURL(createRequire(requireHere.resolve('pdf-parse')).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs')).href
const TASK_MODULE = siblingModule(import.meta.url, 'parse-task')
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
// Parsing gives way to the thread that answers questions: this thread runs ${PARSE_NICE} nice levels
// lower (Linux names the thread in /proc; elsewhere it keeps the process's priority).
try {
  const os = require('node:os')
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop())
  os.setPriority(tid, Math.min(19, os.getPriority(tid) + ${PARSE_NICE}))
} catch {}
;(async () => {
  globalThis.pdfjsWorker = await import(${JSON.stringify(PDFJS_WORKER)})
  for (const url of ${JSON.stringify(PRELOAD)}) await import(url)
  ${workerLoaderPrelude(import.meta.url)}
  const { runParseTask } = await import(${JSON.stringify(TASK_MODULE)})
  parentPort.on('message', (task) => { void runParseTask(task, (reply) => parentPort.postMessage(reply)) })
})().catch((err) => { throw err })
`

/**
 * Parses files in worker threads (up to `size`, `os.availableParallelism()` by default, each started
 * when a file waits for one) so every core works while the database writer stays on the main thread.
 * `size: 0` parses on the main thread.
 * A task aborted or a worker that dies takes only its own file down; the slot gets a fresh worker.
 * A worker left without work for `idleMs` (default 10 s) ends, returning its heap (pdf.js grows a worker
 * to tens of MB that V8 does not give back while it sleeps); the next parse starts one again.
 */
export function createParserPool(options: {
  size?: number
  logger: Logger
  maxHeapMb?: number
  maxDecodedMb?: number
  idleMs?: number
}): DocumentParser {
  const size = options.size ?? os.availableParallelism()
  if (size === 0) return inlineParser()
  const { logger } = options
  const slots: Slot[] = []
  const queue: Pending[] = []
  let nextId = 1
  let closed = false
  const budgetBytes = (options.maxDecodedMb ?? DEFAULT_DECODED_MB) * 1024 * 1024
  const idleMs = options.idleMs ?? 10_000

  const endWhenIdle = (slot: Slot): void => {
    if (slot.idle !== undefined) return
    slot.idle = setTimeout(() => {
      slot.idle = undefined
      if (slot.busy !== undefined) return
      const at = slots.indexOf(slot)
      if (at >= 0) slots.splice(at, 1)
      void slot.worker.terminate()
      logger.debug({ idleMs }, 'parse worker idle; ended')
    }, idleMs)
    slot.idle.unref()
  }
  let watching: NodeJS.Timeout | undefined

  /**
   * The heap cap does not cover ArrayBuffers, where pdf.js inflates streams: a 2 MB PDF can inflate to
   * gigabytes. While a worker parses, its external memory (ArrayBuffers, buffers) is sampled; over the
   * budget, the worker is dropped and the file fails with `file_too_complex`.
   */
  const watch = (): void => {
    if (watching !== undefined) return
    watching = setInterval(() => {
      const busy = slots.filter((s) => s.busy !== undefined)
      if (busy.length === 0) {
        clearInterval(watching)
        watching = undefined
        return
      }
      for (const slot of busy) {
        const { worker } = slot
        void worker
          .getHeapStatistics()
          .then((stats) => {
            const job = slot.busy
            if (job === undefined || slot.worker !== worker || stats.external_memory <= budgetBytes) return
            logger.warn(
              { file: job.task.request.name, externalMb: Math.round(stats.external_memory / 1048576) },
              'parse over its memory budget; worker dropped',
            )
            slot.busy = undefined
            void worker.terminate()
            spawn(slot)
            job.reject(
              new AppError(
                'file_too_complex',
                `parsing this file needed more than ${Math.round(budgetBytes / 1048576)} MB (a stream that inflates far beyond the file's size, or an enormous page); re-export or split it, or raise RAGTUNE_PARSE_MEMORY_MB`,
                { status: 413 },
              ),
            )
            pump()
          })
          .catch(() => undefined)
      }
    }, 50)
    watching.unref()
  }

  const spawn = (slot?: Slot): Slot => {
    // A bounded old generation makes V8 collect pdf.js garbage early instead of growing each worker to
    // several hundred MB; the live set of a long 10-K fits well below the cap (bench/ingest.ts prints peak RSS).
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 144 } })
    worker.unref()
    const s: Slot = slot ?? { worker, busy: undefined }
    s.worker = worker
    worker.on('message', (reply: WorkerReply) => {
      const job = s.busy
      if (job === undefined || reply.id !== job.task.id) return
      if (reply.type === 'progress') {
        job.onProgress?.({ pagesDone: reply.pagesDone, pagesTotal: reply.pagesTotal })
        return
      }
      s.busy = undefined
      if (reply.type === 'done') job.resolve(reply.result)
      else job.reject(new AppError(reply.error.code, reply.error.message, { status: reply.error.status }))
      pump()
    })
    worker.on('error', (err) => {
      logger.error({ err }, 'parse worker crashed')
      const job = s.busy
      s.busy = undefined
      job?.reject(
        new AppError('parse_failed', `the parser crashed on this file (${err.message}); try again or report the file`, {
          status: 500,
          cause: err,
        }),
      )
      if (!closed) spawn(s)
      pump()
    })
    return s
  }

  const pump = (): void => {
    // a worker for each queued file no idle one takes, up to `size`: started as files come, ended when idle
    let idle = 0
    for (const slot of slots) if (slot.busy === undefined) idle++
    for (let n = Math.min(size - slots.length, queue.length - idle); n > 0; n--) slots.push(spawn())
    for (const slot of slots) {
      if (slot.busy !== undefined) continue
      const job = queue.shift()
      if (job === undefined) break
      slot.busy = job
      clearTimeout(slot.idle)
      slot.idle = undefined
      slot.worker.ref()
      // Transfer a private copy so the caller's bytes stay usable.
      const bytes = new Uint8Array(job.task.request.bytes)
      slot.worker.postMessage({ ...job.task, request: { ...job.task.request, bytes } }, [bytes.buffer])
      watch()
    }
    for (const slot of slots) {
      if (slot.busy !== undefined) continue
      slot.worker.unref()
      endWhenIdle(slot)
    }
  }

  return {
    concurrency: size,
    parse(request: ParseRequest, opts = {}) {
      if (closed) return Promise.reject(new AppError('parser_closed', 'the parser pool is closed', { status: 503 }))
      return new Promise<ParsedDocument>((resolve, reject) => {
        const signal = opts.signal
        if (signal?.aborted === true) return reject(abortError(signal))
        const onAbort = (): void => {
          if (signal === undefined) return
          const queued = queue.indexOf(pending)
          if (queued >= 0) {
            queue.splice(queued, 1)
            pending.reject(abortError(signal))
            return
          }
          const slot = slots.find((s) => s.busy === pending)
          if (slot === undefined) return
          // pdfjs cannot be interrupted mid-page: drop the worker and start a fresh one.
          slot.busy = undefined
          void slot.worker.terminate()
          spawn(slot)
          pending.reject(abortError(signal))
          pump()
        }
        // The signal is often long-lived (the server's or the worker's): a listener left on it would keep
        // this request, and through it the file's bytes, alive for the life of the process.
        const settled = (): void => signal?.removeEventListener('abort', onAbort)
        const pending: Pending = {
          task: { id: nextId++, request },
          onProgress: opts.onProgress,
          signal,
          resolve: (doc) => {
            settled()
            resolve(doc)
          },
          reject: (err: Error) => {
            settled()
            reject(err)
          },
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(pending)
        pump()
      })
    },
    async close() {
      closed = true
      clearInterval(watching)
      for (const slot of slots) clearTimeout(slot.idle)
      for (const job of queue.splice(0))
        job.reject(new AppError('parser_closed', 'the parser pool closed before this file was parsed', { status: 503 }))
      await Promise.all(slots.map((s) => s.worker.terminate()))
      slots.length = 0
    },
  }
}

function abortError(signal: AbortSignal): AppError {
  return new AppError('aborted', 'the ingest was cancelled', { status: 499, cause: signal.reason })
}

/** Same work on the calling thread: for `RAGTUNE_INGEST_WORKERS=0` and small tools. */
function inlineParser(): DocumentParser {
  return {
    concurrency: 1,
    async parse(request, opts = {}) {
      // Loaded on first use, so a process that parses in workers never loads pdf.js itself.
      const { runParseTask } = await import('./parse-task.js')
      let outcome: WorkerReply | undefined
      await runParseTask({ id: 0, request }, (reply) => {
        if (reply.type === 'progress') opts.onProgress?.({ pagesDone: reply.pagesDone, pagesTotal: reply.pagesTotal })
        else outcome = reply
      })
      if (outcome?.type === 'done') return outcome.result
      if (outcome?.type === 'failed') throw new AppError(outcome.error.code, outcome.error.message, { status: outcome.error.status })
      throw new AppError('parse_failed', 'the parser returned nothing', { status: 500 })
    },
    async close() {},
  }
}
