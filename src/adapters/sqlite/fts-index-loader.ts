import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { readIndexParts, type IndexParts } from './fts-index-parts.js'
import { indexImagePath, readIndexImage, writeIndexImage } from './fts-index-image.js'
import { workerLoaderPrelude } from '../worker-loader.js'

/**
 * Reads the FTS5 index into flat arrays on a worker thread, so the time it takes (bench/scale/run.ts
 * prints it as "index s" at each corpus size) never blocks the server's event loop. The worker's entry
 * imports this module (from the sources it registers tsx first: see worker-loader.ts).
 */
const SELF = import.meta.url
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  ${workerLoaderPrelude(import.meta.url)}
  const { readIndexInWorker } = await import(${JSON.stringify(SELF)})
  const parts = readIndexInWorker(workerData)
  const transfer = parts === undefined ? [] : [parts.termStart, parts.rowIds, parts.weighted, parts.posStart, parts.pos, parts.rowLength].map((a) => a.buffer)
  parentPort.postMessage(parts, transfer)
})().catch((err) => { throw err })
`

interface LoadRequest {
  readonly path: string
  readonly weights: { readonly header: number; readonly text: number }
  readonly maxInstances: number
}

/**
 * The worker side: its own read-only connection, one snapshot. The saved image of that snapshot when
 * there is one (fts-index-image.ts), else a walk of the FTS5 index, saved for the next start.
 */
export function readIndexInWorker(request: LoadRequest): IndexParts | undefined {
  const db = new Database(request.path, { readonly: true, fileMustExist: true })
  const weights = { header: request.weights.header, text: request.weights.text }
  const image = indexImagePath(request.path)
  let fromImage = false
  let parts: IndexParts | undefined
  try {
    db.pragma('busy_timeout = 10000')
    parts = readIndexParts(db, weights, request.maxInstances, (fingerprint) => {
      const saved = readIndexImage(image, fingerprint, weights)
      fromImage = saved !== undefined
      return saved
    })
  } finally {
    db.close()
  }
  if (parts !== undefined && !fromImage) {
    try {
      writeIndexImage(image, parts, weights)
    } catch {
      // a read-only data dir or a full disk: the next start walks the index again
    }
  }
  return parts
}

export interface IndexLoad {
  readonly parts: Promise<IndexParts | undefined>
  cancel(): void
}

/** Starts a read; the worker never keeps the process alive, and `cancel` ends it. */
export function loadIndexInWorker(request: LoadRequest): IndexLoad {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: request })
  worker.unref()
  const parts = new Promise<IndexParts | undefined>((resolve, reject) => {
    worker.once('message', (m: IndexParts | undefined) => resolve(m ?? undefined))
    worker.once('error', reject)
    worker.once('exit', () => resolve(undefined))
  }).finally(() => void worker.terminate())
  return { parts, cancel: () => void worker.terminate() }
}
