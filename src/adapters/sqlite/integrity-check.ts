import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { quickCheck, quickCheckProblems, type Db, type QuickCheckRow } from './database.js'

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3')

// Plain JavaScript (no project module), so the worker needs no TypeScript loader when run from the sources.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
let db
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true })
} catch (err) {
  parentPort.postMessage({ openError: String(err && err.message || err) })
}
if (db !== undefined) {
  try {
    parentPort.postMessage({ rows: db.pragma('quick_check') })
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) })
  } finally {
    db.close()
  }
}
`

interface WorkerReply {
  readonly rows?: QuickCheckRow[]
  readonly error?: string
  readonly openError?: string
}

/**
 * SQLite's `quick_check` of the store file, in a worker thread on a read-only connection of its own: it
 * reads every page (a few hundred ms for the 27 FinanceBench filings, seconds for a large store), which on
 * the main thread would hold up every request meanwhile — and a starting server, which loads its modules
 * on one core while the check runs on another. When the worker cannot open the file (not a check result),
 * the check runs on `db`, the store's own connection. The worker is unref'd: it never holds up a
 * closing process (a listening server keeps the process alive while it waits for the answer).
 */
export async function checkStoreIntegrity(file: string, db: Db): Promise<string[]> {
  if (file === ':memory:') return quickCheck(db)
  const reply: WorkerReply = await new Promise<WorkerReply>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: DRIVER, file } })
    worker.unref()
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`integrity check worker exited ${code}`)))
  }).catch((err: unknown): WorkerReply => ({ openError: err instanceof Error ? err.message : String(err) }))
  if (reply.rows !== undefined) return quickCheckProblems(reply.rows)
  if (reply.error !== undefined) return [reply.error]
  return quickCheck(db)
}
