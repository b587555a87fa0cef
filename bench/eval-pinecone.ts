/**
 * `eval retrieval` through the Pinecone path vs the SQLite path, on the same chunks: every PDF is parsed
 * once and committed to both the embedded SQLite corpus (FTS5 BM25) and the scale-out corpus (SQLite
 * catalog + the Pinecone emulator's sparse index, BM25 computed by ragtune as sparse vectors, queried
 * through the real SDK). The same hybrid retriever (BM25 only, no model) then answers every question
 * from each. Prints recall@1/3/5/10 and MRR for both; never fails on the figures.
 *
 *   npx tsx bench/eval-pinecone.ts [--questions FILE.jsonl] [--pdfs DIR] [--lag-ms N]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { createParserPool } from '../src/adapters/pdf/parser-pool.js'
import { createSqliteCorpus } from '../src/adapters/sqlite/sqlite-corpus.js'
import { createSqliteCatalog } from '../src/adapters/sqlite/sqlite-catalog.js'
import type { Corpus } from '../src/core/corpus.js'
import { ingestPaths } from '../src/core/ingest/ingest-paths.js'
import { firstEvidenceRank, summariseRanks } from '../src/core/retrieval/evidence-recall.js'
import { createHybridRetriever } from '../src/core/retrieval/hybrid-retriever.js'
import { readEvalQuestions } from '../src/cli/eval-questions.js'
import { emulatorCorpus } from '../tests/support/pinecone-corpus.js'
import { startPineconeEmulator } from '../tests/support/pinecone-emulator.js'

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: path.resolve('../shared/data/financebench/questions.jsonl') },
    pdfs: { type: 'string', default: path.resolve('../shared/data/financebench/pdfs') },
    'lag-ms': { type: 'string', default: '0' },
  },
})
const logger = pino({ level: 'warn' })
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-bench-pinecone-'))
const emu = await startPineconeEmulator({ lagMs: Number(values['lag-ms']) })
const parser = createParserPool({ logger })
const sqlite = createSqliteCorpus({ path: path.join(dir, 'eval.db'), logger })
const pinecone = await emulatorCorpus(emu, createSqliteCatalog({ path: path.join(dir, 'catalog.db') }), {
  namespace: 'financebench',
  logger,
  pollMs: 5,
})

let pineconeCommitMs = 0
const tee: Corpus = {
  ...sqlite,
  kind: 'tee',
  async commitVersion(input) {
    const result = await sqlite.commitVersion(input)
    const t = performance.now()
    await pinecone.commitVersion(input)
    pineconeCommitMs += performance.now() - t
    return result
  },
}

try {
  const { results, summary } = await ingestPaths(
    { corpus: tee, parser, logger, limits: { maxFileBytes: 200 * 1024 * 1024, maxPages: 5000 } },
    [values.pdfs],
  )
  console.log(
    `ingested ${summary.files} files, ${summary.pages} pages, ${summary.chunks} chunks (${summary.failed} failed) in ${summary.seconds} s; Pinecone commits ${(pineconeCommitMs / 1000).toFixed(1)} s, ${emu.visibleRecords('financebench').length} records`,
  )
  for (const r of results) if (r.error !== undefined) console.log(`failed: ${r.file}: ${r.error.code}: ${r.error.message}`)
  const idByStem = new Map<string, string>()
  for (const r of results) if (r.documentId !== null) idByStem.set(path.basename(r.file).replace(/\.[^.]+$/, ''), r.documentId)
  const { questions } = readEvalQuestions(values.questions)

  const figures: Record<string, ReturnType<typeof summariseRanks> & { p50Ms: number }> = {}
  for (const [name, corpus] of [
    ['sqlite', sqlite],
    ['pinecone', pinecone],
  ] as const) {
    const retriever = createHybridRetriever({ corpus, logger })
    const ranks: (number | undefined)[] = []
    const ms: number[] = []
    for (const q of questions) {
      const t = performance.now()
      const retrieval = await retriever.retrieve(q.question, { topK: 10 })
      ms.push(performance.now() - t)
      const documentId = idByStem.get(q.docName)
      ranks.push(documentId === undefined ? undefined : firstEvidenceRank({ documentId, pages: q.pages }, retrieval.sources))
    }
    ms.sort((a, b) => a - b)
    figures[name] = { ...summariseRanks(ranks, [1, 3, 5, 10]), p50Ms: Math.round(ms[Math.floor(ms.length / 2)] ?? 0) }
  }
  console.log(`\n${questions.length} questions, evidence-page retrieval, BM25 only (no model)`)
  console.log('store      recall@1  recall@3  recall@5  recall@10    MRR   p50 ms')
  for (const [name, f] of Object.entries(figures)) {
    const r = f.recall
    console.log(
      `${name.padEnd(9)}  ${[r['1'], r['3'], r['5'], r['10']].map((x) => (x ?? 0).toFixed(3).padStart(8)).join('  ')}  ${f.mrr.toFixed(3).padStart(6)}  ${String(f.p50Ms).padStart(6)}`,
    )
  }
  const d = Math.abs((figures.sqlite?.recall['5'] ?? 0) - (figures.pinecone?.recall['5'] ?? 0))
  console.log(`|recall@5 difference| = ${d.toFixed(3)} (target ≤ 0.05)`)
} finally {
  await parser.close()
  await sqlite.close()
  await pinecone.close()
  await emu.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
