import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { parse as parseRange } from 'range-parser'
import type { Corpus } from '../../core/corpus.js'
import type { OriginalRef, OriginalStore, PageImages } from '../../core/originals.js'
import { AppError } from '../../errors.js'
import { CollectionQuery, DocumentIdParams, documentErrors } from '../document-schemas.js'
import { DEFAULT_COLLECTION, documentKey, targetCollection } from '../../core/collections.js'
import { scopedCorpus } from '../../core/scoped-corpus.js'
import { requestCollections } from '../auth.js'
import type { FastifyRequest } from 'fastify'

// Path and query values are strings (the validator converts no types): counts are checked by pattern.
const Count = (description: string) => Type.String({ pattern: '^[1-9][0-9]{0,8}$', description })
const VersionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), v: Count('version, from 1') })
const PageParams = Type.Object({ ...VersionParams.properties, n: Count('page, from 1') })
const PageQuery = Type.Object({
  ...CollectionQuery.properties,
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text'), Type.Literal('png'), Type.Literal('words')])),
  width: Type.Optional(Count('PNG width in pixels, 100 to 2400 (rounded up to a multiple of 50)')),
})
const ChunkSchema = Type.Object({
  ordinal: Type.Integer(),
  pageStart: Type.Integer(),
  pageEnd: Type.Integer(),
  sectionPath: Type.Array(Type.String()),
  tokens: Type.Integer(),
  text: Type.String(),
})
const VersionSchema = Type.Object({
  version: Type.Integer(),
  sha256: Type.String(),
  sourceName: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  pages: Type.Integer(),
  createdAt: Type.String(),
  fileUrl: Type.String(),
})

/**
 * The originals behind versions and their pages: what a reader opens from a citation. Same scope as
 * the answer routes (`query`), since whoever may read an answer may read the page it cites.
 */
export const documentFileRoutes: FastifyPluginAsyncTypebox<{ corpus: Corpus; originals: OriginalStore; pageImages: PageImages }> = async (
  app,
  { corpus, originals, pageImages },
) => {
  const config = { scope: 'query' as const }
  // The document as the request's key may see it: in the collection named (or its default one), else 404.
  const target = (req: FastifyRequest, id: string, named: string | undefined) => {
    const collection = targetCollection(requestCollections(req), named)
    return { collection, key: documentKey(collection, id), query: collection === DEFAULT_COLLECTION ? '' : `?collection=${collection}` }
  }
  const refOf = async (id: string, v: number): Promise<OriginalRef> => {
    const ref = await originals.find(id, v)
    if (ref === undefined) {
      throw new AppError(
        'original_not_found',
        `no original kept for document "${id}" version ${v}; GET /v1/documents/${id}/versions lists the kept ones (files ingested before originals were kept: re-ingest them)`,
        { status: 404 },
      )
    }
    return ref
  }

  app.get(
    '/v1/documents/:id/versions',
    {
      config,
      schema: {
        summary: 'Kept versions of a document, newest first',
        params: DocumentIdParams,
        querystring: CollectionQuery,
        response: { 200: Type.Object({ versions: Type.Array(VersionSchema) }), ...documentErrors },
      },
    },
    async (req) => {
      const { key, query } = target(req, req.params.id, req.query.collection)
      return {
        versions: (await originals.versions(key)).map((r) => ({
          ...r,
          fileUrl: `/v1/documents/${encodeURIComponent(req.params.id)}/versions/${r.version}/file${query}`,
        })),
      }
    },
  )

  app.get(
    '/v1/documents/:id/chunks',
    {
      config,
      schema: {
        summary: 'Chunks of the active version, optionally only those on one page',
        params: DocumentIdParams,
        querystring: Type.Object({ ...CollectionQuery.properties, page: Type.Optional(Count('only chunks on this page')) }),
        response: {
          200: Type.Object({ documentId: Type.String(), version: Type.Integer(), chunks: Type.Array(ChunkSchema) }),
          ...documentErrors,
        },
      },
    },
    async (req) => {
      const visible = scopedCorpus(corpus, requestCollections(req))
      const doc = await visible.getDocument(target(req, req.params.id, req.query.collection).key)
      if (doc === undefined)
        throw new AppError('document_not_found', `no document "${req.params.id}"; GET /v1/documents lists them`, { status: 404 })
      const hits = await visible.getChunks(
        doc.id,
        Array.from({ length: doc.chunks }, (_, i) => i),
      )
      const page = req.query.page === undefined ? undefined : Number(req.query.page)
      const chunks = hits
        .map((h) => h.chunk)
        .filter((c) => page === undefined || (c.pageStart <= page && page <= c.pageEnd))
        .map((c) => ({
          ordinal: c.ordinal,
          pageStart: c.pageStart,
          pageEnd: c.pageEnd,
          sectionPath: [...c.sectionPath],
          tokens: c.tokens,
          text: c.text,
        }))
      return { documentId: req.params.id, version: doc.activeVersion, chunks }
    },
  )

  app.get(
    '/v1/documents/:id/versions/:v/file',
    // No response schema: the body is the file's bytes (errors keep the usual JSON body).
    {
      config,
      schema: { summary: 'The original file of a version (supports Range: 206, 416)', params: VersionParams, querystring: CollectionQuery },
    },
    async (req, reply) => {
      const ref = await refOf(target(req, req.params.id, req.query.collection).key, Number(req.params.v))
      void reply
        .header('content-type', ref.contentType)
        .header('accept-ranges', 'bytes')
        .header('etag', `"${ref.sha256}"`)
        .header('cache-control', 'private, max-age=31536000, immutable')
        // An uploaded HTML file must not run as this origin's page: sandbox it, never sniff.
        .header('content-security-policy', 'sandbox')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="${ref.sourceName.replace(/["\\\r\n]/g, '_')}"`)
      const header = req.headers.range
      const parsed = header === undefined ? undefined : parseRange(ref.size, header)
      if (parsed !== undefined && parsed.ranges.length === 0 && (parsed.code & 2) !== 0) {
        void reply.header('content-range', `bytes */${ref.size}`)
        throw new AppError('range_not_satisfiable', `the range "${header ?? ''}" lies outside the file's ${ref.size} bytes`, {
          status: 416,
        })
      }
      // A malformed header, or several ranges (multipart/byteranges, which readers do not need), get the whole file.
      const range = parsed?.type === 'bytes' && parsed.ranges.length === 1 ? parsed.ranges[0] : undefined
      if (range === undefined) {
        void reply.header('content-length', ref.size)
        return reply.send(Readable.from(originals.read(ref.sha256)))
      }
      void reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${ref.size}`)
        .header('content-length', range.end - range.start + 1)
      return reply.send(Readable.from(originals.read(ref.sha256, range)))
    },
  )

  app.get(
    '/v1/documents/:id/versions/:v/pages/:n',
    {
      config,
      schema: {
        summary: 'A page of a version: its text (JSON or plain), or for PDFs its image (PNG) or word boxes',
        description:
          'format=json (default): {documentId, version, page, pages, text, imageUrl}; text: the text alone; png (PDFs): the page rendered `width` pixels wide, cached; words (PDFs): {width, height, words: [[xMin, yMin, xMax, yMax, text]]} in PDF points',
        params: PageParams,
        querystring: PageQuery,
      },
    },
    async (req, reply) => {
      const { id } = req.params
      const v = Number(req.params.v)
      const n = Number(req.params.n)
      const { key, query } = target(req, req.params.id, req.query.collection)
      const ref = await refOf(key, v)
      if (n > ref.pages)
        throw new AppError('page_not_found', `document "${id}" version ${v} has ${ref.pages} page(s); ask for 1 to ${ref.pages}`, {
          status: 404,
        })
      const format = req.query.format ?? 'json'
      const pdf = ref.contentType === 'application/pdf'
      if ((format === 'png' || format === 'words') && !pdf) {
        throw new AppError(
          'not_a_pdf',
          `page images exist for PDFs only; this version is ${ref.contentType}: ask for format=json or text`,
          { status: 415 },
        )
      }
      void reply.header('cache-control', 'private, max-age=31536000, immutable')
      if (format === 'png') {
        const asked = Number(req.query.width ?? 1000)
        if (asked < 100 || asked > 2400) throw new AppError('invalid_request', `width must be 100 to 2400 pixels, got ${asked}`)
        const width = Math.ceil(asked / 50) * 50
        const image = await pageImages.png(ref.sha256, n, width)
        return reply
          .header('content-type', 'image/png')
          .header('x-cache', image.cached ? 'hit' : 'miss')
          .send(createReadStream(image.path))
      }
      if (format === 'words') return pageImages.words(ref.sha256, n)
      const text = (await originals.pageText(ref.sha256, n)) ?? ''
      if (format === 'text') return reply.header('content-type', 'text/plain; charset=utf-8').send(text)
      const base = `/v1/documents/${encodeURIComponent(id)}/versions/${v}/pages/${n}${query}`
      return {
        documentId: id,
        version: v,
        page: n,
        pages: ref.pages,
        text,
        imageUrl: pdf ? `${base}${query === '' ? '?' : '&'}format=png` : null,
      }
    },
  )
}
