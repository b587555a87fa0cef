import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Corpus } from '../core/corpus.js'
import type { Logger } from '../logger.js'
import { buildDeps, closeDeps } from '../deps.js'
import { ingestPaths } from '../core/ingest/ingest-paths.js'
import { cliConfig, cliLogger, writeJson, writeLine, type CliContext } from './context.js'

/** What an evaluation runs against: every PDF of a folder ingested into one store. */
export interface EvalStore {
  readonly corpus: Corpus
  readonly logger: Logger
  /** document ids by file stem ("3M_2018_10K"): evaluation files name documents that way */
  readonly idByStem: ReadonlyMap<string, string>
  readonly failed: number
}

/**
 * Ingests `pdfDir` into `storeDir` (reused when given, so unchanged PDFs are not parsed again; a fresh
 * temporary store otherwise, deleted afterwards), prints the ingest line, runs `work`, and closes.
 */
export async function withEvalStore<T>(
  ctx: CliContext,
  /** `collection`: ingest into it (a store shared with other collections) */
  options: { pdfDir: string; storeDir: string | undefined; json: boolean; collection?: string | undefined },
  work: (store: EvalStore) => Promise<T>,
): Promise<T> {
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const storeDir = options.storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-eval-'))
  fs.mkdirSync(storeDir, { recursive: true })
  // The composition root builds the store, on a private embedded one: the eval measures BM25 retrieval
  // alone, never touches the deployment's shared stores, and needs no model.
  const deps = await buildDeps(
    {
      ...config,
      dataDir: storeDir,
      dbPath: path.join(storeDir, 'eval.db'),
      databaseUrl: undefined,
      vectorStore: { ...config.vectorStore, kind: 'sqlite' },
      models: { ...config.models, embeddingModel: undefined },
    },
    logger,
  )
  const corpus = deps.corpus
  try {
    const { results, summary } = await ingestPaths(
      deps.ingest,
      [options.pdfDir],
      options.collection === undefined ? {} : { collection: options.collection },
    )
    const idByStem = new Map<string, string>()
    for (const r of results) {
      if (r.documentId !== null && r.status !== 'failed') idByStem.set(path.basename(r.file).replace(/\.[^.]+$/, ''), r.documentId)
      else if (r.error !== undefined) writeLine(ctx.stderr, `ragtune: ${r.file}: ${r.error.message} [${r.error.code}]`)
    }
    const ingestLine = {
      type: 'ingest',
      files: summary.files,
      ingested: summary.ingested,
      unchanged: summary.unchanged,
      failed: summary.failed,
      pages: summary.pages,
      chunks: summary.chunks,
      seconds: summary.seconds,
    }
    if (options.json) writeJson(ctx.stdout, ingestLine)
    else
      writeLine(
        ctx.stdout,
        `ingested ${summary.files} files (${summary.pages} pages, ${summary.chunks} chunks; ${summary.unchanged} unchanged, ${summary.failed} failed) in ${summary.seconds} s`,
      )
    return await work({ corpus, logger, idByStem, failed: summary.failed })
  } finally {
    await closeDeps(deps)
    if (options.storeDir === undefined) fs.rmSync(storeDir, { recursive: true, force: true })
  }
}
