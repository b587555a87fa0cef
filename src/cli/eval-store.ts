import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeJson, writeLine, type CliContext } from './context.js'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import { createSqliteCorpus } from '../adapters/sqlite/sqlite-corpus.js'
import { createParserPool } from '../adapters/pdf/parser-pool.js'
import { ingestPaths } from '../core/ingest/ingest-paths.js'
import type { Corpus } from '../core/corpus.js'

export interface EvalStore {
  readonly corpus: Corpus
  /** document ids by PDF file stem ("3M_2018_10K"), as questions name documents */
  readonly idByStem: ReadonlyMap<string, string>
  readonly failed: number
  close(): Promise<void>
}

/**
 * Ingests every PDF under `pdfDir` into a SQLite store for an evaluation: a temporary one, deleted on
 * close, or `storeDir` kept between runs (unchanged PDFs are not parsed again). Prints the ingest line.
 */
export async function openEvalStore(ctx: CliContext, config: Config, logger: Logger, pdfDir: string, storeDir: string | undefined, json: boolean): Promise<EvalStore> {
  const dir = storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-eval-'))
  fs.mkdirSync(dir, { recursive: true })
  const corpus = createSqliteCorpus({ path: path.join(dir, 'eval.db'), logger })
  const parser = createParserPool({ ...(config.ingest.workers === undefined ? {} : { size: config.ingest.workers }), logger })
  const close = async (): Promise<void> => {
    await corpus.close()
    if (storeDir === undefined) fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    const { results, summary } = await ingestPaths(
      { corpus, parser, logger, limits: { maxFileBytes: config.ingest.maxFileBytes, maxPages: config.ingest.maxPages } },
      [pdfDir],
    )
    const idByStem = new Map<string, string>()
    for (const r of results) {
      if (r.documentId !== null && r.status !== 'failed') idByStem.set(path.basename(r.file).replace(/\.[^.]+$/, ''), r.documentId)
      else if (r.error !== undefined) writeLine(ctx.stderr, `ragtune: ${r.file}: ${r.error.message} [${r.error.code}]`)
    }
    const ingestLine = { type: 'ingest', files: summary.files, ingested: summary.ingested, unchanged: summary.unchanged, failed: summary.failed, pages: summary.pages, chunks: summary.chunks, seconds: summary.seconds }
    if (json) writeJson(ctx.stdout, ingestLine)
    else writeLine(ctx.stdout, `ingested ${summary.files} files (${summary.pages} pages, ${summary.chunks} chunks; ${summary.unchanged} unchanged, ${summary.failed} failed) in ${summary.seconds} s`)
    return { corpus, idByStem, failed: summary.failed, close }
  } catch (err) {
    await close()
    throw err
  } finally {
    await parser.close()
  }
}
