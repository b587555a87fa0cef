/**
 * `npx tsx bench/collections.ts [--pdfs DIR] [--questions FILE] [--data-dir DIR] [--rounds N]`
 *
 * Uncached retrieval latency when the store holds one collection of the dev filings vs ten (the same
 * filings copied into nine more collections, as ten teams would each load theirs), asked by a caller
 * limited to one collection and by one that sees all ten. The collection filter runs inside the FTS /
 * in-memory BM25 query; this shows what it costs. Each question is retrieved once per round,
 * sequentially, with the real hybrid retriever and no retrieval cache. Prints figures; never fails on them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Writable } from 'node:stream'
import { main } from '../bin/cli.js'
import { createLogger } from '../src/logger.js'
import { createSqliteCorpus } from '../src/adapters/sqlite/sqlite-corpus.js'
import { createHybridRetriever } from '../src/core/retrieval/hybrid-retriever.js'
import { documentKey } from '../src/core/collections.js'
import type { Corpus } from '../src/core/corpus.js'
import { percentile } from './load-generator.js'

const { values } = parseArgs({
  options: {
    pdfs: { type: 'string', default: '../shared/data/financebench/pdfs' },
    questions: { type: 'string', default: '../shared/data/financebench/questions.jsonl' },
    'data-dir': { type: 'string', default: 'bench/out/financebench-store' },
    rounds: { type: 'string', default: '3' },
  },
})
const dataDir = path.resolve(values['data-dir'])
const rounds = Number(values.rounds)
const questions = fs
  .readFileSync(values.questions, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { question: string }).question)

// The one-collection store: ingested once with the real pipeline (as bench/ask.ts does), reused later.
const quiet = new Writable({ write: (_c, _e, cb) => cb() })
const code = await main(['--data-dir', dataDir, 'ingest', values.pdfs, '--json'], { stdout: quiet, stderr: process.stderr, env: {} })
const logger = createLogger({ level: 'silent' })
const one = createSqliteCorpus({ path: path.join(dataDir, 'ragtune.db'), logger })
const docs = await one.listDocuments()
console.log(`store: ${docs.length} filings, ${docs.reduce((n, d) => n + d.chunks, 0)} chunks (ingest exit ${code})`)

// The ten-collection store: every filing's active version committed again under nine more collections
// (kept between runs; delete bench/out/collections-10.db to rebuild it).
const tenPath = path.join(path.dirname(dataDir), 'collections-10.db')
const COLLECTIONS = ['default', ...Array.from({ length: 9 }, (_, i) => `team-${i + 1}`)]
const ten = createSqliteCorpus({ path: tenPath, logger })
if ((await ten.listDocuments()).length !== docs.length * COLLECTIONS.length) {
  const t0 = performance.now()
  for (const d of docs) {
    const hits = await one.getChunks(
      d.id,
      Array.from({ length: d.chunks }, (_, i) => i),
    )
    const chunks = hits.map((h) => h.chunk)
    for (const c of COLLECTIONS) {
      await ten.commitVersion({
        documentId: documentKey(c, d.id),
        sha256: d.sha256,
        fingerprint: d.fingerprint ?? d.sha256,
        sourceName: d.sourceName,
        meta: d.meta,
        pages: d.pages,
        chunks,
      })
    }
  }
  console.log(`ten collections: filings copied in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
console.log(`ten collections: ${(await ten.listDocuments()).length} filings`)
// The same file with the in-memory keyword index allowed to hold all ten copies (18 M token instances,
// over the 10 M default), so the filter's own cost shows apart from the index falling back to SQLite.
const tenInMemory = createSqliteCorpus({ path: tenPath, logger, memoryIndexMaxInstances: 40_000_000 })

async function measure(
  name: string,
  corpus: Corpus & { keywordIndexReady(): Promise<boolean> },
  collections: readonly string[] | undefined,
): Promise<void> {
  const memory = await corpus.keywordIndexReady()
  const retriever = createHybridRetriever({ corpus, logger })
  const options = collections === undefined ? {} : { collections }
  for (const q of questions) await retriever.retrieve(q, options) // warm: routing table, statement verdicts
  const ms: number[] = []
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t = performance.now()
      await retriever.retrieve(q, options)
      ms.push(performance.now() - t)
    }
  }
  ms.sort((a, b) => a - b)
  const f = (p: number): string => percentile(ms, p).toFixed(2).padStart(7)
  console.log(`${name.padEnd(52)} p50 ${f(0.5)} ms   p90 ${f(0.9)} ms   p99 ${f(0.99)} ms   n=${ms.length}   in-memory BM25: ${memory}`)
}

console.log(`uncached retrieval, ${questions.length} questions × ${rounds} rounds, sequential (machine shared: noisy)`)
await measure('1 collection (27 filings), caller sees all', one, undefined)
await measure('1 collection (27 filings), caller limited to it', one, ['default'])
await measure('10 collections (270 filings), caller limited to one', ten, ['team-3'])
await measure('10 collections (270 filings), caller sees all ten', ten, undefined)
await measure('10 collections, index limit raised, caller limited to one', tenInMemory, ['team-3'])
await measure('10 collections, index limit raised, caller sees all ten', tenInMemory, undefined)
await one.close()
await ten.close()
await tenInMemory.close()
