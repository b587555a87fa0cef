import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { JobStore, FileResult } from '../../core/jobs.js'
import type { IngestDeps, IngestEvent, SourceFile } from '../../core/ingest/ingest-pipeline.js'
import { runIngestJob } from '../../core/ingest/ingest-job.js'
import type { MetaOverrides } from '../../core/ingest/metadata.js'
import { sniffFile, SUPPORTED_EXTENSION_LIST } from '../../core/ingest/file-type.js'
import { AppError, errorBody, storageFault } from '../../errors.js'
import {
  CollectionQuery,
  DocumentIdParams,
  DocumentSchema,
  documentErrors,
  JobSchema,
  MetaPatch,
  UploadAccepted,
} from '../document-schemas.js'
import { deleteDocument, type OriginalStore, type PageImages } from '../../core/originals.js'
import { documentKey, parseDocumentKey, searchCollections, targetCollection } from '../../core/collections.js'
import type { DocumentSummary } from '../../core/documents.js'
import { scopedCorpus } from '../../core/scoped-corpus.js'
import { requestCollections } from '../auth.js'
import { audit } from '../audit.js'
import type { Metrics } from '../metrics.js'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../adapters/private-files.js'

export interface DocumentRoutesOptions {
  readonly ingest: IngestDeps
  readonly jobs: JobStore
  /** uploads are staged under `<stagingDir>/<jobId>/` until their job ends */
  readonly stagingDir: string
  /** files per upload request */
  readonly maxFiles?: number
  /** inline (default): ingest here in the background; queue: store the upload and leave it to `ragtune worker` */
  readonly mode?: 'inline' | 'queue'
  /** a deleted document's originals (those no other version uses) and their page images go with it */
  readonly originals?: OriginalStore | undefined
  readonly pageImages?: PageImages | undefined
  /** a whole upload request; one announcing more (content-length) is refused before its body is read */
  readonly maxUploadBytes?: number
  /** counts the files of jobs run here (inline); queued jobs run in `ragtune worker`, which has no /metrics */
  readonly metrics?: Pick<Metrics, 'observeIngestFile'>
}

const META_FIELDS = ['title', 'company', 'fiscalYear', 'fiscalQuarter', 'docType', 'date'] as const

/** The multipart form as OpenAPI describes it: file parts (binary) and optional text fields. */
const UploadForm = Type.Object({
  file: Type.Array(Type.String({ format: 'binary' }), { minItems: 1, description: 'one or more files (.pdf, .txt, .md)' }),
  documentId: Type.Optional(Type.String({ description: 'the document id to use (one file only); default from the file name' })),
  ...Object.fromEntries(META_FIELDS.map((f) => [f, Type.Optional(Type.String({ description: `overrides the detected ${f}` }))])),
})

/**
 * Documents and ingestions. Auth is applied by URL prefix in http/auth.ts (`admin` scope), so nothing
 * here needs to know about keys. An upload is streamed to the staging directory and hashed on the way,
 * answered with 202 and a job id, and ingested in the background by the same code as `ragtune ingest`.
 */
export const documentRoutes: FastifyPluginAsyncTypebox<DocumentRoutesOptions> = async (app, options) => {
  const { ingest, jobs, stagingDir } = options
  // every read and write goes through the corpus as the request's key sees it
  const corpusFor = (req: FastifyRequest) => scopedCorpus(ingest.corpus, requestCollections(req))
  const maxUploadBytes = options.maxUploadBytes ?? 2 * ingest.limits.maxFileBytes
  const running = new Set<Promise<unknown>>()
  const stop = new AbortController()
  const metrics = options.metrics
  const onEvent = (e: IngestEvent): void => {
    if (e.type === 'file-done') metrics?.observeIngestFile(e.result)
  }
  await app.register(multipart, {
    limits: {
      fileSize: ingest.limits.maxFileBytes,
      files: options.maxFiles ?? 20,
      fields: 20,
      fieldSize: 1024,
      parts: 60,
      headerPairs: 200,
    },
    throwFileSizeLimit: false,
  })
  // On shutdown, stop parsing and wait, so the store closes after the last commit attempt.
  app.addHook('onClose', async () => {
    stop.abort(new Error('server closing'))
    await Promise.allSettled([...running])
  })

  app.get(
    '/v1/documents',
    {
      schema: {
        summary: 'List the documents (of one collection with ?collection=), each with its active version',
        querystring: CollectionQuery,
        response: { 200: Type.Object({ documents: Type.Array(DocumentSchema) }), ...documentErrors },
      },
    },
    async (req) => {
      const named = req.query.collection
      const collections = searchCollections(requestCollections(req), named)
      return { documents: (await corpusFor(req).listDocuments(collections === 'all' ? undefined : collections)).map(publicDocument) }
    },
  )

  app.get(
    '/v1/documents/:id',
    {
      schema: {
        summary: 'One document: metadata, active version, pages and chunks',
        params: DocumentIdParams,
        querystring: CollectionQuery,
        response: { 200: DocumentSchema, ...documentErrors },
      },
    },
    async (req) => {
      const key = documentKey(targetCollection(requestCollections(req), req.query.collection), req.params.id)
      const doc = await corpusFor(req).getDocument(key)
      if (doc === undefined) throw notFound(req.params.id)
      return publicDocument(doc)
    },
  )

  app.delete(
    '/v1/documents/:id',
    {
      schema: {
        summary: 'Delete a document with all its versions and the originals no other version uses',
        params: DocumentIdParams,
        querystring: CollectionQuery,
        response: { 200: Type.Object({ id: Type.String(), collection: Type.String(), deleted: Type.Boolean() }), ...documentErrors },
      },
    },
    async (req) => {
      const collection = targetCollection(requestCollections(req), req.query.collection)
      const parts = { corpus: corpusFor(req), originals: options.originals, pageImages: options.pageImages }
      if (!(await deleteDocument(parts, documentKey(collection, req.params.id)))) throw notFound(req.params.id)
      audit(req, 'document.delete', { collection, documentId: req.params.id })
      return { id: req.params.id, collection, deleted: true }
    },
  )

  app.patch(
    '/v1/documents/:id',
    {
      schema: {
        summary: 'Correct detected metadata: re-ingests the kept original with these values as a new version',
        description:
          "The title, company, period and type go into every chunk's indexed header, so an edit is a new version (atomic, like any re-ingest) made from the original kept for the active version. 202 with the job to follow.",
        params: DocumentIdParams,
        querystring: CollectionQuery,
        body: MetaPatch,
        response: { 202: UploadAccepted, ...documentErrors },
      },
    },
    async (req, reply) => {
      const { id } = req.params
      const collection = targetCollection(requestCollections(req), req.query.collection)
      const key = documentKey(collection, id)
      const doc = await corpusFor(req).getDocument(key)
      if (doc === undefined) throw notFound(id)
      const ref = await options.originals?.find(key, doc.activeVersion)
      if (ref === undefined || options.originals === undefined) {
        throw new AppError(
          'original_not_found',
          `the original of "${id}" version ${doc.activeVersion} was not kept (ingested before originals were); upload the file again with the corrected fields`,
          { status: 409 },
        )
      }
      const overrides: MetaOverrides = { ...doc.meta, ...req.body }
      const source: SourceFile = {
        path: await options.originals.localPath(ref.sha256),
        name: ref.sourceName,
        label: ref.sourceName,
        documentId: id,
        collection,
        sha256: ref.sha256,
        overrides,
      }
      audit(req, 'document.patch', { collection, documentId: id })
      const job = await jobs.create({ origin: 'http', filesTotal: 1 })
      // The source is the kept original itself: nothing is staged, so nothing is removed afterwards.
      const work = runIngestJob(ingest, jobs, job.id, { sources: [source] }, { signal: stop.signal, onEvent }).catch((err: unknown) =>
        req.log.error({ err, jobId: job.id }, 'metadata re-ingest failed'),
      )
      running.add(work)
      void work.finally(() => running.delete(work))
      return reply.status(202).send({ jobId: job.id, status: 'queued', files: [ref.sourceName], statusUrl: `/v1/ingestions/${job.id}` })
    },
  )

  app.get(
    '/v1/ingestions/:id',
    {
      schema: {
        summary: 'An ingestion job: status, progress, per-file results',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: JobSchema, ...documentErrors },
      },
    },
    async (req) => {
      const job = await jobs.get(req.params.id)
      if (job === undefined)
        throw new AppError('job_not_found', `no ingestion job ${req.params.id}; the id is in the 202 answer of POST /v1/documents`, {
          status: 404,
        })
      // The store's readonly arrays, copied into the mutable shapes the response schema types.
      return { ...job, results: job.results.map((r) => ({ ...r })) }
    },
  )

  app.post(
    '/v1/documents',
    {
      schema: {
        summary: 'Upload documents to ingest (202 with a job id)',
        consumes: ['multipart/form-data'],
        description: `multipart/form-data: one or more "file" parts (${SUPPORTED_EXTENSION_LIST}; the type is read from the bytes, others are refused with 415 unsupported_type) and optional fields collection (default: "default", or the key's only collection), documentId (one file only), ${META_FIELDS.join(', ')}`,
        // For the OpenAPI document (so /docs can upload); the parts are read and checked by the handler.
        body: UploadForm,
        response: { 202: UploadAccepted, ...documentErrors },
      },
      onRequest: (req, _reply, done) => {
        const announced = Number(req.headers['content-length'] ?? 0)
        if (announced <= maxUploadBytes) {
          done()
          return
        }
        done(
          new AppError(
            'upload_too_large',
            `the upload is ${(announced / 1048576).toFixed(1)} MB, over the limit of ${(maxUploadBytes / 1048576).toFixed(1)} MB per request; send fewer files per request, or raise RAGTUNE_MAX_UPLOAD_MB`,
            { status: 413 },
          ),
        )
      },
      // The body is a multipart stream read below, not a parsed object: the schema's check of it is kept
      // aside (attachValidation) and the handler validates the parts itself.
      attachValidation: true,
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new AppError('unsupported_media_type', 'send multipart/form-data with one or more "file" parts', { status: 415 })
      }
      const job = await jobs.create({ origin: 'http', filesTotal: 0 })
      const dir = path.join(stagingDir, job.id)
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
      const staged: (SourceFile & { name: string })[] = []
      const failures: FileResult[] = []
      const fields: Record<string, string> = {}
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            if (typeof part.value === 'string') fields[part.fieldname] = part.value
            continue
          }
          const name = clientFileName(part.filename || `upload-${staged.length + 1}`)
          const target = path.join(dir, `${staged.length + failures.length}-${name.replace(/[^\w.-]+/g, '_')}`)
          const hash = createHash('sha256')
          const tap = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              hash.update(chunk)
              cb(null, chunk)
            },
          })
          await pipeline(part.file, tap, createWriteStream(target, { mode: PRIVATE_FILE_MODE }))
          if (part.file.truncated) {
            await rm(target, { force: true })
            failures.push(
              failed(
                name,
                new AppError(
                  'file_too_large',
                  `the file is over the limit of ${(ingest.limits.maxFileBytes / 1048576).toFixed(1)} MB; raise RAGTUNE_MAX_FILE_MB or split it`,
                  { status: 413 },
                ),
              ),
            )
            continue
          }
          staged.push({ path: target, name, label: name, sha256: hash.digest('hex') })
        }
        // The bytes decide the type: a file ragtune cannot read is refused now, not failed later.
        const unreadable = await firstUnreadable(staged)
        if (unreadable !== undefined) throw unreadable
      } catch (err) {
        const reported = storageFault(err) ?? uploadError(err)
        await rm(dir, { recursive: true, force: true })
        // the job record is read by clients: a raw error (a path, a system message) never goes there
        await jobs.finish(job.id, {
          status: 'failed',
          error:
            reported instanceof AppError
              ? errorBody(reported)
              : { code: 'internal', message: 'internal error; the request id is in the logs' },
        })
        throw reported
      }
      const total = staged.length + failures.length
      const problem =
        total === 0
          ? new AppError('no_files', `the request had no "file" part; attach at least one file (${SUPPORTED_EXTENSION_LIST})`, {
              status: 400,
            })
          : fields.documentId !== undefined && total > 1
            ? new AppError('invalid_arguments', 'documentId names one document: upload exactly one file with it')
            : undefined
      const overrides = parseOverrides(fields)
      // a collection outside the key's is refused like the other field errors: the job fails, nothing is kept
      let collection = ''
      let outOfScope: AppError | undefined
      try {
        collection = targetCollection(requestCollections(req), fields.collection)
      } catch (err) {
        outOfScope = err as AppError
      }
      if (problem !== undefined || overrides instanceof AppError || outOfScope !== undefined) {
        const err = problem ?? outOfScope ?? (overrides as AppError)
        await rm(dir, { recursive: true, force: true })
        await jobs.finish(job.id, { status: 'failed', error: errorBody(err) })
        throw err
      }
      const sources = staged.map((s) => ({
        ...s,
        ...(fields.documentId === undefined ? {} : { documentId: fields.documentId }),
        collection,
        overrides,
      }))
      audit(req, 'document.upload', { collection, jobId: job.id, files: staged.map((s) => s.name) })
      if (options.mode === 'queue') {
        if (jobs.enqueue === undefined)
          throw new AppError('internal', 'this job store cannot queue jobs; set RAGTUNE_INGEST_MODE=inline', { status: 500 })
        const files = staged.map((s) => ({ path: s.path, name: s.name, ...(s.sha256 === undefined ? {} : { sha256: s.sha256 }) }))
        await jobs.enqueue(job.id, {
          files,
          failures,
          overrides,
          collection,
          stagingDir: dir,
          ...(fields.documentId === undefined ? {} : { documentId: fields.documentId }),
        })
        return reply.status(202).send({
          jobId: job.id,
          status: 'queued',
          files: [...staged.map((s) => s.name), ...failures.map((f) => f.file)],
          statusUrl: `/v1/ingestions/${job.id}`,
        })
      }
      await jobs.progress(job.id, { filesTotal: total })
      const work = runIngestJob(
        { ...ingest, corpus: corpusFor(req) },
        jobs,
        job.id,
        { sources },
        { failures, signal: stop.signal, onEvent },
      )
        .catch((err: unknown) => req.log.error({ err, jobId: job.id }, 'ingestion job failed'))
        .finally(() => rm(dir, { recursive: true, force: true }))
      running.add(work)
      void work.finally(() => running.delete(work))
      return reply.status(202).send({
        jobId: job.id,
        status: 'queued',
        files: [...staged.map((s) => s.name), ...failures.map((f) => f.file)],
        statusUrl: `/v1/ingestions/${job.id}`,
      })
    },
  )
}

/** A document as the API shows it: its id within its collection, and the collection. */
function publicDocument(doc: DocumentSummary): DocumentSummary & { collection: string } {
  const { collection, id } = parseDocumentKey(doc.id)
  return { ...doc, id, collection }
}

/** Longest file name kept from a client (bytes on most file systems: 255); the extension survives. */
const MAX_NAME = 200

/** The client's file name without directories, at most MAX_NAME characters. */
function clientFileName(raw: string): string {
  const name = path.basename(raw)
  if (name.length <= MAX_NAME) return name
  const ext = path.extname(name).slice(0, 16)
  return name.slice(0, MAX_NAME - ext.length) + ext
}

/**
 * An error while reading the parts: the multipart parser's own (a truncated body, a wrong boundary, an
 * empty body) is the client's fault, a 400; limits and our own errors keep their status.
 */
function uploadError(err: unknown): unknown {
  if (err instanceof AppError) return err
  const e = err as { statusCode?: unknown; syscall?: unknown }
  if (typeof e.statusCode === 'number' || typeof e.syscall === 'string') return err
  return new AppError(
    'invalid_multipart',
    'the body is not valid multipart/form-data (truncated, a boundary that does not match, or empty); send the form again',
    {
      status: 400,
      cause: err,
    },
  )
}

/** The first staged file whose bytes are of no type ragtune reads, as the error the CLI gives for it. */
async function firstUnreadable(staged: readonly { path: string; name: string }[]): Promise<AppError | undefined> {
  for (const file of staged) {
    try {
      // An empty file gets its own code from the pipeline (empty_file), like on the CLI.
      await sniffFile(file.path, file.name)
    } catch (err) {
      if (err instanceof AppError) return err
      throw err
    }
  }
  return undefined
}

function notFound(id: string): AppError {
  return new AppError('document_not_found', `no document "${id}"; GET /v1/documents lists them`, { status: 404 })
}

function failed(file: string, err: AppError): FileResult {
  return { file, documentId: null, version: null, status: 'failed', pages: 0, chunks: 0, error: errorBody(err), seconds: 0 }
}

function parseOverrides(fields: Record<string, string>): MetaOverrides | AppError {
  const out: MetaOverrides = {}
  for (const key of META_FIELDS) {
    const raw = fields[key]?.trim()
    if (raw === undefined || raw === '') continue
    if (key === 'fiscalYear' || key === 'fiscalQuarter') {
      const n = Number(raw)
      const ok = Number.isInteger(n) && (key === 'fiscalYear' ? n >= 1900 && n <= 2200 : n >= 1 && n <= 4)
      if (!ok)
        return new AppError('invalid_arguments', `${key} must be ${key === 'fiscalYear' ? 'a year like 2023' : '1 to 4'}, got "${raw}"`)
      out[key] = n
    } else out[key] = raw
  }
  return out
}
