import { Type, type Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { AnswerResult } from '../core/answer/answer-result.js'
import { documentKey, parseDocumentKey, searchCollections } from '../core/collections.js'
import { requestCollections } from './auth.js'

/** The longest question, on /v1/ask and as a chat message. */
export const MAX_QUESTION_CHARS = 4000

/** TypeBox schemas shared by the answer routes: they validate, filter output and feed the OpenAPI document. */
export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }), requestId: Type.String() },
  { $id: 'ErrorBody', description: 'Every error: a stable code, a message that says what to do, the request id' },
)

export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody } as const

export const Filters = Type.Object(
  {
    collection: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        description: "search only this collection (one of the key's); default: every collection the key sees",
      }),
    ),
    documentIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 200 })),
    company: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 50 })),
    fiscalYear: Type.Optional(Type.Array(Type.Integer({ minimum: 1900, maximum: 2200 }), { maxItems: 50 })),
    docType: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
)
export type Filters = Static<typeof Filters>

export const CitationSchema = Type.Object({
  n: Type.Integer(),
  documentId: Type.String({ description: 'the id within its collection' }),
  collection: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  pageStart: Type.Integer(),
  pageEnd: Type.Integer(),
  locator: Type.String({
    description: 'where in the document: "p. 3", "slide 3", "sheet Revenue", "section 2 (…)"; "(OCR)" for scanned pages',
  }),
  snippet: Type.String(),
})

export const NumberCheckSchema = Type.Object({
  text: Type.String({ description: 'the number as the answer writes it' }),
  verdict: Type.Union([Type.Literal('quoted'), Type.Literal('derived'), Type.Literal('context'), Type.Literal('unsupported')]),
  source: Type.Optional(Type.Integer({ description: 'marker of the source holding the figure (quoted) or the first input (derived)' })),
  expression: Type.Optional(
    Type.String({ description: 'how a derived number is computed, e.g. "30.8% = (177,866 − 135,987) / 135,987 [1]"' }),
  ),
  reason: Type.Optional(Type.String()),
})

export const AnswerSchema = Type.Object({
  answer: Type.String(),
  mode: Type.Union([Type.Literal('generated'), Type.Literal('extractive')]),
  citations: Type.Array(CitationSchema),
  unsupportedNumbers: Type.Array(Type.String(), { description: 'numbers in the answer found in no cited source' }),
  checks: Type.Array(NumberCheckSchema, { description: 'a verdict for every number of the answer' }),
  removedCitations: Type.Array(Type.Integer(), { description: 'markers that pointed at no provided source; removed' }),
  model: Type.Union([Type.String(), Type.Null()]),
  voice: Type.Union([Type.String(), Type.Null()]),
  prompt: Type.String(),
  usage: Type.Union([Type.Object({ promptTokens: Type.Integer(), completionTokens: Type.Integer() }), Type.Null()]),
  timings: Type.Object({ retrievalMs: Type.Number(), modelMs: Type.Number(), totalMs: Type.Number() }),
})

/**
 * The collections a question searches: `filters.collection` (which must be one of the key's, else 404),
 * or all the key sees; undefined when that is every collection.
 */
export function askCollections(req: FastifyRequest, f: Filters | undefined): readonly string[] | undefined {
  const collections = searchCollections(requestCollections(req), f?.collection)
  return collections === 'all' ? undefined : collections
}

/**
 * SearchFilter from request filters, leaving out empty lists (exactOptionalPropertyTypes). Document ids
 * are ids within `filters.collection` when it is given, else document keys (`collection/id`, or a bare id
 * in the default collection).
 */
export function toSearchFilter(f: Filters | undefined) {
  if (f === undefined) return undefined
  const { collection } = f
  const ids = collection === undefined ? f.documentIds : f.documentIds?.map((id) => documentKey(collection, id))
  const filter = {
    ...(ids?.length ? { documentIds: ids } : {}),
    ...(f.company?.length ? { company: f.company } : {}),
    ...(f.fiscalYear?.length ? { fiscalYear: f.fiscalYear } : {}),
    ...(f.docType?.length ? { docType: f.docType } : {}),
  }
  // a filter that only named the collection leaves routing on (the collection bounds the search anyway)
  return Object.keys(filter).length === 0 ? undefined : filter
}

/** The response body for an answer (the schema's mutable arrays from the domain's readonly ones). */
export function answerBody(r: AnswerResult): Static<typeof AnswerSchema> {
  return {
    ...r,
    citations: r.citations.map(publicCitation),
    unsupportedNumbers: [...r.unsupportedNumbers],
    checks: [...r.checks],
    removedCitations: [...r.removedCitations],
  }
}

/** A citation as the API shows it: the document's id within its collection, and the collection. */
export function publicCitation<C extends { readonly documentId: string }>(c: C): C & { collection: string } {
  const { collection, id } = parseDocumentKey(c.documentId)
  return { ...c, documentId: id, collection }
}
