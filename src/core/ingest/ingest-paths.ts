import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { FileResult, JobStore } from '../jobs.js'
import { AppError, errorBody } from '../../errors.js'
import { ingestFile, sourceDocumentId, type IngestDeps, type IngestEvent, type SourceFile } from './ingest-pipeline.js'
import { idConflict } from './identity.js'
import type { MetaOverrides } from './metadata.js'
import { isSupportedFile, SUPPORTED_EXTENSION_LIST } from './file-type.js'

export interface IngestSummary {
  readonly files: number
  readonly ingested: number
  readonly unchanged: number
  readonly failed: number
  /** files in a directory of a type ragtune does not ingest */
  readonly skipped: number
  readonly pages: number
  readonly chunks: number
  readonly seconds: number
}

export interface IngestPathsOptions {
  /** only with exactly one file */
  readonly documentId?: string
  /** the collection every file goes to (default `default`) */
  readonly collection?: string
  readonly overrides?: MetaOverrides
  readonly signal?: AbortSignal
  readonly onEvent?: (e: IngestEvent) => void
  /** record progress in this job (already created) */
  readonly job?: { readonly store: JobStore; readonly id: string }
}

/**
 * Resolves files and directories (walked recursively for the supported types) into sources. A path that does
 * not exist, an unsupported file named explicitly, or a directory without supported files becomes a
 * failed result instead of stopping the others. A file of another type inside a directory is reported
 * as skipped (hidden files are passed over silently).
 */
export async function resolveSources(paths: readonly string[]): Promise<{ sources: SourceFile[]; failures: FileResult[] }> {
  const sources: SourceFile[] = []
  const failures: FileResult[] = []
  const fail = (file: string, err: AppError, status: 'failed' | 'skipped' = 'failed'): void => {
    failures.push({ file, documentId: null, version: null, status, pages: 0, chunks: 0, error: errorBody(err), seconds: 0 })
  }
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined)
    if (info === undefined) {
      fail(p, new AppError('not_found', `no such file or directory: ${p}`, { status: 404 }))
    } else if (info.isDirectory()) {
      const { found, others } = await walk(p)
      for (const f of others)
        fail(
          f,
          new AppError(
            'unsupported_type',
            `skipped: ragtune ingests ${SUPPORTED_EXTENSION_LIST} files, not "${path.extname(f) || path.basename(f)}"`,
            { status: 415 },
          ),
          'skipped',
        )
      if (found.length === 0)
        fail(p, new AppError('no_supported_files', `no supported files (${SUPPORTED_EXTENSION_LIST}) in directory ${p}`, { status: 422 }))
      for (const f of found) sources.push({ path: f })
    } else {
      sources.push({ path: p })
    }
  }
  return { sources, failures }
}

async function walk(dir: string): Promise<{ found: string[]; others: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  const files = entries
    .filter(
      (e) =>
        e.isFile() &&
        !e.name.startsWith('.') &&
        !path
          .relative(dir, e.parentPath)
          .split(path.sep)
          .some((d) => d.startsWith('.')),
    )
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
  return { found: files.filter(isSupportedFile), others: files.filter((f) => !isSupportedFile(f)) }
}

/**
 * Ingests files and directories: the function behind `ragtune ingest`, `POST /v1/documents` and
 * `ragtune eval retrieval` (which points it at a temporary store). Files are parsed as many at a time as
 * the parser has workers; commits happen one at a time on this thread. Never throws for a bad file.
 */
export async function ingestPaths(
  deps: IngestDeps,
  paths: readonly string[],
  options: IngestPathsOptions = {},
): Promise<{ results: FileResult[]; summary: IngestSummary }> {
  const started = performance.now()
  const { sources, failures } = await resolveSources(paths)
  if (options.documentId !== undefined && sources.length + failures.length > 1) {
    throw new AppError('invalid_arguments', '--doc-id names one document: give exactly one file with it')
  }
  return ingestSources(
    deps,
    sources.map((s) => ({ ...s, ...withOptions(options) })),
    { ...options, started, failures },
  )
}

function withOptions(options: IngestPathsOptions): Partial<SourceFile> {
  return {
    ...(options.documentId === undefined ? {} : { documentId: options.documentId }),
    ...(options.collection === undefined ? {} : { collection: options.collection }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
  }
}

/** Ingests prepared sources (e.g. uploads in a staging directory), with job tracking. */
export async function ingestSources(
  deps: IngestDeps,
  sources: readonly SourceFile[],
  options: IngestPathsOptions & { started?: number; failures?: readonly FileResult[] } = {},
): Promise<{ results: FileResult[]; summary: IngestSummary }> {
  const started = options.started ?? performance.now()
  const results: FileResult[] = []
  const job = options.job
  const pagesInFlight = new Map<string, number>()
  let pagesDone = 0
  let chunksDone = 0
  // Progress writes are serialised so they land in order; a slow write never blocks parsing.
  let writes: Promise<void> = Promise.resolve()
  const record = (progress: Parameters<JobStore['progress']>[1]): void => {
    if (job === undefined) return
    writes = writes
      .then(() => job.store.progress(job.id, progress))
      .catch((err: unknown) => deps.logger.warn({ err }, 'job progress not recorded'))
  }
  const pagesNow = (): number => pagesDone + [...pagesInFlight.values()].reduce((a, b) => a + b, 0)
  // each started file's page count, kept once it ends: their sum is the job's pagesTotal
  const fileTotals = new Map<string, number>()
  const filesTotal = sources.length + (options.failures?.length ?? 0)
  const pagesTotal = (): number => [...fileTotals.values()].reduce((a, b) => a + b, 0)
  // finished files plus the parsed share of each file in progress (several parse at once), over all files
  const percent = (): number => {
    if (filesTotal === 0) return 0
    let share = 0
    for (const [file, done] of pagesInFlight) share += done / Math.max(1, fileTotals.get(file) ?? 1)
    return Math.round(((results.length + share) / filesTotal) * 1000) / 10
  }
  let lastProgressWrite = 0
  const onEvent = (e: IngestEvent): void => {
    if (e.type === 'file-progress') {
      pagesInFlight.set(e.file, e.pagesDone)
      fileTotals.set(e.file, e.pagesTotal)
      const now = performance.now()
      if (now - lastProgressWrite > 250) {
        lastProgressWrite = now
        record({ pagesDone: pagesNow(), pagesTotal: pagesTotal(), percent: percent() })
      }
    } else if (e.type === 'file-done') {
      pagesInFlight.delete(e.result.file)
      // an unchanged file is never parsed: its stored page count is the one known
      if (!fileTotals.has(e.result.file)) fileTotals.set(e.result.file, e.result.pages)
      if (e.result.status !== 'unchanged') {
        pagesDone += e.result.pages
        chunksDone += e.result.chunks
      }
      results.push(e.result)
      record({
        filesDone: results.length,
        pagesDone: pagesNow(),
        pagesTotal: pagesTotal(),
        percent: percent(),
        chunksDone,
        result: e.result,
      })
    }
    options.onEvent?.(e)
  }

  record({ filesTotal })
  for (const f of options.failures ?? []) onEvent({ type: 'file-done', result: f })
  const { unique, clashes } = oneFilePerId(sources)
  for (const f of clashes) onEvent({ type: 'file-done', result: f })
  // Largest first: the biggest file starts early instead of leaving one worker busy at the end.
  const ordered = await largestFirst(unique)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < ordered.length) {
      const source = ordered[next++]
      if (source === undefined) break
      await ingestFile(deps, source, { ...(options.signal === undefined ? {} : { signal: options.signal }), onEvent })
    }
  }
  // One lane more than parse workers keeps a file hashed and queued while the others parse.
  await Promise.all(Array.from({ length: Math.max(1, deps.parser.concurrency + 1) }, lane))
  await writes

  const count = (s: FileResult['status']): number => results.filter((r) => r.status === s).length
  const summary: IngestSummary = {
    files: results.length,
    ingested: count('ingested'),
    unchanged: count('unchanged'),
    failed: count('failed'),
    skipped: count('skipped'),
    pages: results.reduce((n, r) => n + r.pages, 0),
    chunks: results.reduce((n, r) => n + r.chunks, 0),
    seconds: Math.round(performance.now() - started) / 1000,
  }
  return { results, summary }
}

/**
 * Two files of one batch that would be stored under the same id (`a/report.pdf` and `b/report.pdf`, or
 * names that transliterate alike): the first in path order keeps it, the others fail with
 * `document_id_conflict` instead of silently becoming its next version.
 */
function oneFilePerId(sources: readonly SourceFile[]): { unique: SourceFile[]; clashes: FileResult[] } {
  const holder = new Map<string, SourceFile>()
  const unique: SourceFile[] = []
  const clashes: FileResult[] = []
  for (const s of sources) {
    const id = sourceDocumentId(s)
    const first = holder.get(id)
    if (first === undefined) {
      holder.set(id, s)
      unique.push(s)
      continue
    }
    const err = idConflict(id, first.label ?? first.name ?? path.basename(first.path))
    clashes.push({
      file: s.label ?? s.path,
      documentId: null,
      version: null,
      status: 'failed',
      pages: 0,
      chunks: 0,
      error: errorBody(err),
      seconds: 0,
    })
  }
  return { unique, clashes }
}

async function largestFirst(sources: readonly SourceFile[]): Promise<SourceFile[]> {
  const sized = await Promise.all(sources.map(async (s) => ({ s, size: (await stat(s.path).catch(() => undefined))?.size ?? 0 })))
  return sized.sort((a, b) => b.size - a.size).map((x) => x.s)
}
