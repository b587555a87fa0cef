import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from '../../logger.js'
import type { Corpus } from '../corpus.js'
import type { ChunkRecord, DocumentSummary } from '../documents.js'
import type { FileResult } from '../jobs.js'
import type { EmbeddingModel } from '../models.js'
import { AppError, errorBody } from '../../errors.js'
import { chunkBlocks, defaultChunking, type ChunkingOptions } from './chunker.js'
import { contextualHeader } from './contextual-header.js'
import type { DocumentParser } from './document-parser.js'
import { sniffFileType } from './file-type.js'
import { checkCollectionName, documentKey } from '../collections.js'
import { deriveDocumentId, idConflict, isValidDocumentId, sha256Hex, versionFingerprint } from './identity.js'
import { detectMetadata, type MetaOverrides } from './metadata.js'
import { contentTypeOf, type OriginalStore } from '../originals.js'
import type { Block } from './blocks.js'

export interface IngestDeps {
  readonly corpus: Corpus
  readonly parser: DocumentParser
  readonly embedder?: EmbeddingModel | undefined
  readonly logger: Logger
  readonly limits: { readonly maxFileBytes: number; readonly maxPages: number }
  readonly chunking?: ChunkingOptions
  /** where originals are kept beside their versions; absent: not kept (benches, some tests) */
  readonly originals?: OriginalStore | undefined
}

/** A file to ingest; `name` (default: the path's base name) drives the derived id and metadata. */
export interface SourceFile {
  readonly path: string
  readonly name?: string
  /** how results and events name the file (default: its path); uploads use the client's file name */
  readonly label?: string
  readonly documentId?: string
  /** the collection the document goes to (default `default`); the result names it by its key, `collection/id` */
  readonly collection?: string
  readonly overrides?: MetaOverrides
  /** sha256 of the bytes when already known (an upload hashed while streaming) */
  readonly sha256?: string
}

export type IngestEvent =
  | { readonly type: 'file-started'; readonly file: string }
  | { readonly type: 'file-progress'; readonly file: string; readonly pagesDone: number; readonly pagesTotal: number }
  | { readonly type: 'file-done'; readonly result: FileResult }

/**
 * One file through the whole pipeline: check → hash → (unchanged? stop) → parse in a worker → metadata
 * and contextual headers → embed what the cache lacks → one commit. Never throws for a bad file: the
 * failure is the result, with a stable code, so the rest of a batch goes on.
 */
export async function ingestFile(
  deps: IngestDeps,
  source: SourceFile,
  options: { signal?: AbortSignal; onEvent?: (e: IngestEvent) => void } = {},
): Promise<FileResult> {
  const started = performance.now()
  const file = source.label ?? source.path
  const name = source.name ?? path.basename(source.path)
  let documentId: string | null = source.documentId ?? null
  options.onEvent?.({ type: 'file-started', file })
  const done = (result: Omit<FileResult, 'file' | 'seconds'>): FileResult => {
    const full: FileResult = { file, ...result, seconds: round((performance.now() - started) / 1000) }
    options.onEvent?.({ type: 'file-done', result: full })
    return full
  }
  try {
    documentId ??= sourceDocumentId(source)
    if (!isValidDocumentId(documentId)) {
      throw new AppError('invalid_document_id', `document id "${documentId}" is invalid; use letters, digits, ".", "_" or "-" (max 128)`)
    }
    if (source.collection !== undefined) documentId = documentKey(checkCollectionName(source.collection), documentId)
    const info = await stat(source.path).catch((err: unknown) => {
      throw new AppError('not_found', `no such file: ${source.path}`, { status: 404, cause: err })
    })
    if (!info.isFile()) throw new AppError('not_found', `not a file: ${source.path}`, { status: 404 })
    if (info.size === 0) throw new AppError('empty_file', 'the file is empty (0 bytes); check the upload or copy', { status: 422 })
    if (info.size > deps.limits.maxFileBytes) {
      throw new AppError(
        'file_too_large',
        `the file is ${mb(info.size)} MB, over the limit of ${mb(deps.limits.maxFileBytes)} MB; raise RAGTUNE_MAX_FILE_MB or split it`,
        { status: 413 },
      )
    }
    let bytes = source.sha256 === undefined ? await readFile(source.path) : undefined
    const sha256 = source.sha256 ?? sha256Hex(bytes ?? new Uint8Array())
    const chunking = deps.chunking ?? defaultChunking
    const overrides = source.overrides ?? {}
    const fingerprint = versionFingerprint({ sha256, embeddingModel: deps.embedder?.id, overrides, chunking })
    // Hash first: an unchanged file is never parsed.
    const existing = await deps.corpus.getDocument(documentId)
    // A derived id names the file it came from: another file that spells to the same id (another script,
    // case or punctuation) must not replace it by accident. An explicit id is the caller saying "replace".
    if (source.documentId === undefined && existing !== undefined && existing.sourceName !== name)
      throw idConflict(documentId, existing.sourceName)
    if (
      existing?.fingerprint === fingerprint ||
      (existing !== undefined && reembeddedOnly(existing, { sha256, embedder: deps.embedder, overrides, chunking }))
    ) {
      return done({ documentId, version: existing.activeVersion, status: 'unchanged', pages: existing.pages, chunks: existing.chunks })
    }
    bytes ??= await readFile(source.path)
    // The bytes decide the type, not the name: a renamed file is read as what it is.
    const kind = sniffFileType(bytes, name)
    const parsed = await deps.parser.parse(
      { name, kind, bytes, maxPages: deps.limits.maxPages },
      {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onProgress: (p) => options.onEvent?.({ type: 'file-progress', file, ...p }),
      },
    )
    const meta = {
      ...detectMetadata(name, parsed.firstPagesText, overrides),
      ...(parsed.units === undefined ? {} : { units: parsed.units }),
      ...(parsed.ocrPages === undefined ? {} : { ocrPages: parsed.ocrPages }),
    }
    const drafts = await chunkBlocks(parsed.blocks, chunking)
    const chunks: ChunkRecord[] = drafts.chunks.map((c) => {
      const header = contextualHeader(meta, c.sectionPath)
      return { ...c, header, hash: sha256Hex(`${header}\n${c.text}`) }
    })
    const embeddings = deps.embedder === undefined ? undefined : await embedChunks(deps, deps.embedder, chunks, options.signal)
    const committed = await deps.corpus.commitVersion({
      documentId,
      sha256,
      fingerprint,
      sourceName: name,
      // a derived id is bound to its file's name: the store refuses it when another file took it meanwhile
      ...(source.documentId === undefined ? { sourceBound: true } : {}),
      meta,
      pages: parsed.pages,
      chunks,
      ...(parsed.facts === undefined ? {} : { facts: parsed.facts }),
      ...(embeddings === undefined ? {} : { embeddings }),
    })
    if (committed.status === 'ingested' && deps.originals !== undefined) {
      // The version is already served: a failure here costs its page view, not the ingest.
      await deps.originals
        .keep({
          documentId,
          version: committed.version,
          sha256,
          sourceName: name,
          contentType: contentTypeOf(name),
          path: source.path,
          pages: pageTexts(parsed.blocks, parsed.pages),
        })
        .catch((err: unknown) =>
          deps.logger.error(
            { err, documentId, version: committed.version },
            'could not keep the original; its file and pages will not be served',
          ),
        )
    }
    return done({ documentId, version: committed.version, status: committed.status, pages: parsed.pages, chunks: chunks.length })
  } catch (err) {
    if (!(err instanceof AppError)) deps.logger.error({ err, file }, 'ingest failed unexpectedly')
    return done({ documentId, version: null, status: 'failed', pages: 0, chunks: 0, error: errorBody(err) })
  }
}

/** The id a source is stored under: the caller's, else one derived from its name. */
export function sourceDocumentId(source: SourceFile): string {
  return source.documentId ?? deriveDocumentId(source.name ?? path.basename(source.path))
}

/**
 * True when the stored version has the same content and only its vectors were re-made for the configured
 * model by `ragtune reembed` (its fingerprint still names the model it was ingested with).
 */
function reembeddedOnly(
  existing: DocumentSummary,
  input: {
    sha256: string
    embedder: EmbeddingModel | undefined
    overrides: MetaOverrides
    chunking: { maxTokens: number; overlapTokens: number }
  },
): boolean {
  if (existing.fingerprintModel === undefined || existing.fingerprintModel === null) return false
  if (existing.embeddingModel !== (input.embedder?.id ?? null)) return false
  const embeddingModel = existing.fingerprintModel === '' ? undefined : existing.fingerprintModel
  return (
    existing.fingerprint ===
    versionFingerprint({ sha256: input.sha256, embeddingModel, overrides: input.overrides, chunking: input.chunking })
  )
}

/** Only chunks whose hash is not cached under this model are sent to the model (ingest and reembed). */
export async function embedChunks(
  deps: Pick<IngestDeps, 'corpus' | 'logger'>,
  model: EmbeddingModel,
  chunks: readonly ChunkRecord[],
  signal: AbortSignal | undefined,
): Promise<{ model: string; vectors: Float32Array[] }> {
  const cached = await deps.corpus.cachedEmbeddings(
    model.id,
    chunks.map((c) => c.hash),
  )
  const missing = chunks.filter((c) => !cached.has(c.hash))
  const unique = [...new Map(missing.map((c) => [c.hash, `${c.header}\n${c.text}`])).entries()]
  for (let i = 0; i < unique.length; i += model.maxBatchSize) {
    const batch = unique.slice(i, i + model.maxBatchSize)
    const vectors = await model.embedDocuments(
      batch.map(([, text]) => text),
      signal,
    )
    batch.forEach(([hash], j) => {
      const v = vectors[j]
      if (v !== undefined) cached.set(hash, v)
    })
  }
  deps.logger.debug({ model: model.id, chunks: chunks.length, embedded: unique.length }, 'embedded chunks')
  return {
    model: model.id,
    vectors: chunks.map((c) => {
      const v = cached.get(c.hash)
      if (v === undefined) throw new AppError('embedding_failed', 'the embedding model returned fewer vectors than asked', { status: 502 })
      return v
    }),
  }
}

/** Each page's cleaned text (its blocks, blank-line separated), so a page shows what its chunks cite. */
function pageTexts(blocks: readonly Block[], pages: number): string[] {
  const out: string[][] = Array.from({ length: pages }, () => [])
  for (const b of blocks) out[b.page - 1]?.push(b.text)
  return out.map((texts) => texts.join('\n\n'))
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
