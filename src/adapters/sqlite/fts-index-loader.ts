import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { readIndexParts, type IndexParts } from './fts-index-parts.js'
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

/** The worker side: its own read-only connection, one snapshot. */
export function readIndexInWorker(request: LoadRequest): IndexParts | undefined {
  const db = new Database(request.path, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 10000')
    return readIndexParts(db, { header: request.weights.header, text: request.weights.text }, request.maxInstances)
  } finally {
    db.close()
  }
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
