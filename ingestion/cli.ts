import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from '../src/cli/context.js'
import { buildDeps, closeDeps } from '../src/deps.js'
import { AppError } from '../src/errors.js'
import { checkCollectionName } from '../src/core/collections.js'
import { resolveSources } from '../src/core/ingest/ingest-paths.js'
import { runIngestJob } from '../src/core/ingest/ingest-job.js'
import type { IngestEvent } from '../src/core/ingest/ingest-pipeline.js'
import type { MetaOverrides } from '../src/core/ingest/metadata.js'
import type { FileResult } from '../src/core/jobs.js'
import { createProgressBar } from './progress-bar.js'

const USAGE =
  'ragtune ingest <file|dir>... [--collection NAME] [--doc-id ID] [--json] [--title T] [--company C] [--year YYYY] [--quarter 1-4] [--type 10-K|10-Q|8-K|earnings|...] [--date YYYY-MM-DD]'

/**
 * `ragtune ingest`: files and directories into the store, as one persisted job. On a TTY a progress bar
 * with ETA; with --json or without a TTY one JSON line per file and a summary line. Exit 0 when no file
 * failed, 1 otherwise, 2 for bad arguments.
 */
export async function ingest(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(
    ctx,
    {
      'doc-id': { type: 'string' },
      collection: { type: 'string' },
      json: { type: 'boolean' },
      title: { type: 'string' },
      company: { type: 'string' },
      year: { type: 'string' },
      quarter: { type: 'string' },
      type: { type: 'string' },
      date: { type: 'string' },
    },
    USAGE,
  )
  if (positionals.length === 0) throw new AppError('invalid_arguments', `give at least one file or directory\nusage: ${USAGE}`)
  const overrides = parseOverrides(values)
  const json = values.json === true || ctx.stdout.isTTY !== true
  const documentId = typeof values['doc-id'] === 'string' ? values['doc-id'] : undefined
  const collection = typeof values.collection === 'string' ? checkCollectionName(values.collection) : undefined

  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const deps = await buildDeps(config, logger)
  const { jobs, ingest: ingestDeps } = deps
  if (jobs === undefined || ingestDeps === undefined)
    throw new AppError('internal', 'the ingest pipeline is not configured', { status: 500 })
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  try {
    const { sources, failures } = await resolveSources(positionals)
    if (documentId !== undefined && sources.length + failures.length > 1) {
      throw new AppError('invalid_arguments', `--doc-id names one document: give exactly one file with it\nusage: ${USAGE}`)
    }
    const total = sources.length + failures.length
    const job = await jobs.create({ origin: 'cli', filesTotal: total })
    const bar = json ? undefined : createProgressBar(ctx.stdout, total)
    let pagesSoFar = 0
    const inFlight = new Map<string, number>()
    const onEvent = (e: IngestEvent): void => {
      if (e.type === 'file-progress') {
        inFlight.set(e.file, e.pagesDone)
        bar?.fileProgress(e.file, e.pagesDone, e.pagesTotal, pagesSoFar + sum(inFlight))
      } else if (e.type === 'file-done') {
        inFlight.delete(e.result.file)
        pagesSoFar += e.result.pages
        if (bar === undefined) writeJson(ctx.stdout, fileLine(e.result))
        else {
          bar.log(humanLine(e.result))
          bar.fileDone(e.result.file, pagesSoFar + sum(inFlight))
        }
      }
    }
    const { summary } = await runIngestJob(
      ingestDeps,
      jobs,
      job.id,
      {
        sources: sources.map((s) => ({
          ...s,
          ...(documentId === undefined ? {} : { documentId }),
          ...(collection === undefined ? {} : { collection }),
          overrides,
        })),
      },
      { failures, onEvent, signal: controller.signal },
    )
    if (bar === undefined) writeJson(ctx.stdout, { summary })
    else {
      bar.end()
      writeLine(
        ctx.stdout,
        `${summary.files} files: ${summary.ingested} ingested, ${summary.unchanged} unchanged, ${summary.failed} failed, ${summary.skipped} skipped · ${summary.pages} pages, ${summary.chunks} chunks in ${summary.seconds.toFixed(1)} s (job ${job.id})`,
      )
    }
    return summary.failed === 0 ? 0 : 1
  } finally {
    process.removeListener('SIGINT', onSignal)
    await closeDeps(deps)
  }
}

function sum(m: Map<string, number>): number {
  let n = 0
  for (const v of m.values()) n += v
  return n
}

/** The JSON line shape scripts rely on (see the issue): always the same keys. */
function fileLine(r: FileResult): Record<string, unknown> {
  return {
    file: r.file,
    documentId: r.documentId,
    version: r.version,
    status: r.status,
    pages: r.pages,
    chunks: r.chunks,
    error: r.error ?? null,
  }
}

function humanLine(r: FileResult): string {
  if (r.status === 'skipped') return `- ${r.file}: ${r.error?.message ?? 'skipped'}`
  if (r.status === 'failed') return `✗ ${r.file}: ${r.error?.message ?? 'failed'} [${r.error?.code ?? 'internal'}]`
  const what = r.status === 'unchanged' ? 'unchanged' : `ingested ${r.pages} pages, ${r.chunks} chunks`
  return `✓ ${r.file} → ${r.documentId ?? '?'} v${r.version ?? '?'} ${what}`
}

function parseOverrides(values: Record<string, unknown>): MetaOverrides {
  const out: MetaOverrides = {}
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k].trim() : undefined)
  const title = str('title')
  const company = str('company')
  const type = str('type')
  const date = str('date')
  const year = str('year')
  const quarter = str('quarter')
  if (title) out.title = title
  if (company) out.company = company
  if (type) out.docType = type
  if (date !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new AppError('invalid_arguments', `--date must be YYYY-MM-DD, got "${date}"\nusage: ${USAGE}`)
    out.date = date
  }
  if (year !== undefined) {
    if (!/^\d{4}$/.test(year)) throw new AppError('invalid_arguments', `--year must be a year like 2023, got "${year}"\nusage: ${USAGE}`)
    out.fiscalYear = Number(year)
  }
  if (quarter !== undefined) {
    if (!/^[1-4]$/.test(quarter)) throw new AppError('invalid_arguments', `--quarter must be 1 to 4, got "${quarter}"\nusage: ${USAGE}`)
    out.fiscalQuarter = Number(quarter)
  }
  return out
}
