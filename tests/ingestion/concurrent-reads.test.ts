import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { createIngestEnv, type IngestEnv } from '../support/ingest-env.js'

const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
const CORPUS_MODULE = new URL('../../src/adapters/sqlite/sqlite-corpus.ts', import.meta.url).href

// A reader on its own thread with its own connection: it searches in a loop until told to stop and
// reports, per search, how many hits came back and from which versions.
const READER = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const { register } = await import(${JSON.stringify(TSX_API)})
  register()
  const { createSqliteCorpus } = await import(${JSON.stringify(CORPUS_MODULE)})
  const silent = { warn() {}, error() {}, info() {}, debug() {} }
  const corpus = createSqliteCorpus({ path: workerData.dbPath, logger: silent })
  let stop = false
  parentPort.on('message', () => { stop = true })
  const seen = []
  parentPort.postMessage({ ready: true })
  while (!stop) {
    const hits = await corpus.keywordSearch({ terms: ['widgets'], filter: { documentIds: ['report'] }, limit: 10000 })
    seen.push({ n: hits.length, versions: [...new Set(hits.map((h) => h.version))] })
    await new Promise((r) => setImmediate(r))
  }
  await corpus.close()
  parentPort.postMessage({ seen })
})()
`

function reportText(edition: number, paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) => `Paragraph ${i + 1} of edition ${edition}: widgets were shipped to ${i * edition} customers in the period, and margins held.`,
  ).join('\n\n')
}

describe('searches during re-ingestion', () => {
  let env: IngestEnv
  beforeAll(() => {
    env = createIngestEnv({ workers: 0, chunking: { maxTokens: 40, overlapTokens: 0 } })
  })
  afterAll(() => env.close())

  it('never see zero results or a mix of versions', async () => {
    const file = env.write('report.txt', reportText(1, 400))
    const first = await ingestPaths(env.deps, [file])
    expect(first.results[0]).toMatchObject({ status: 'ingested', version: 1 })

    const reader = new Worker(READER, { eval: true, workerData: { dbPath: env.dbPath } })
    const done = new Promise<{ n: number; versions: number[] }[]>((resolve, reject) => {
      reader.on('message', (m: { seen?: { n: number; versions: number[] }[] }) => {
        if (m.seen !== undefined) resolve(m.seen)
      })
      reader.on('error', reject)
    })
    await new Promise<void>((resolve) => reader.once('message', () => resolve()))
    for (let edition = 2; edition <= 6; edition++) {
      env.write('report.txt', reportText(edition, 400))
      const { results } = await ingestPaths(env.deps, [file])
      expect(results[0]).toMatchObject({ status: 'ingested', version: edition })
      // Give the reader time to search the new version before the next flip.
      await new Promise((r) => setTimeout(r, 50))
    }
    reader.postMessage('stop')
    const seen = await done
    await reader.terminate()

    expect(seen.length).toBeGreaterThan(5)
    expect(seen.filter((s) => s.n === 0)).toEqual([])
    expect(seen.filter((s) => s.versions.length !== 1)).toEqual([])
    // The reader really overlapped the re-ingests: it saw more than one version over time.
    expect(new Set(seen.map((s) => s.versions[0])).size).toBeGreaterThan(1)
  })
})
