import { Type } from '@sinclair/typebox'

/** TypeBox schemas of the document and ingestion routes: validation, output filtering and OpenAPI. */
const DocError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }), requestId: Type.String() })
export const documentErrors = { '4xx': DocError, '5xx': DocError } as const

export const DocumentMetaSchema = Type.Object({
  title: Type.String(),
  company: Type.Optional(Type.String()),
  fiscalYear: Type.Optional(Type.Integer()),
  fiscalQuarter: Type.Optional(Type.Integer()),
  docType: Type.Optional(Type.String()),
  date: Type.Optional(Type.String()),
  units: Type.Optional(
    Type.Object(
      {
        kind: Type.Union(['page', 'slide', 'sheet', 'section'].map((k) => Type.Literal(k))),
        names: Type.Optional(Type.Array(Type.String())),
      },
      { description: 'what the pages are when not real pages' },
    ),
  ),
  ocrPages: Type.Optional(Type.Array(Type.Integer(), { description: 'pages read by OCR from a scan' })),
})

/** The fields a reader may correct; each replaces the detected value (PATCH /v1/documents/:id). */
export const MetaPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    company: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    fiscalYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200 })),
    fiscalQuarter: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    docType: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const DocumentSchema = Type.Object({
  id: Type.String(),
  collection: Type.String(),
  activeVersion: Type.Integer(),
  meta: DocumentMetaSchema,
  sha256: Type.String(),
  sourceName: Type.String(),
  pages: Type.Integer(),
  chunks: Type.Integer(),
  embeddingModel: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})

export const DocumentIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) })

/** `?collection=NAME` on the document routes; default: `default`, or the key's only collection */
export const CollectionQuery = Type.Object({ collection: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })) })

const ErrorSummary = Type.Object({ code: Type.String(), message: Type.String() })

export const FileResultSchema = Type.Object({
  file: Type.String(),
  documentId: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union([Type.Literal('ingested'), Type.Literal('unchanged'), Type.Literal('failed'), Type.Literal('skipped')]),
  pages: Type.Integer(),
  chunks: Type.Integer(),
  error: Type.Optional(ErrorSummary),
  seconds: Type.Number(),
})

export const JobSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  origin: Type.String(),
  filesTotal: Type.Integer(),
  filesDone: Type.Integer(),
  pagesDone: Type.Integer(),
  pagesTotal: Type.Integer({ description: 'page counts known so far (a file is counted once its parse starts)' }),
  percent: Type.Number({ minimum: 0, maximum: 100, description: 'progress 0–100, one decimal; 100 once succeeded' }),
  chunksDone: Type.Integer(),
  results: Type.Array(FileResultSchema),
  error: Type.Union([ErrorSummary, Type.Null()]),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  heartbeatAt: Type.Union([Type.String(), Type.Null()]),
})

export const UploadAccepted = Type.Object({
  jobId: Type.String(),
  status: Type.String(),
  files: Type.Array(Type.String()),
  statusUrl: Type.String(),
})
