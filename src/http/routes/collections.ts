import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { checkCollectionName, collectionNotFound, parseDocumentKey } from '../../core/collections.js'
import type { Corpus } from '../../core/corpus.js'
import { scopedCorpus } from '../../core/scoped-corpus.js'
import { deleteCollection, type OriginalStore, type PageImages } from '../../core/originals.js'
import { AppError } from '../../errors.js'
import { requestCollections } from '../auth.js'
import { audit } from '../audit.js'
import { documentErrors } from '../document-schemas.js'

const Collection = Type.Object({ name: Type.String(), documents: Type.Integer() })
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) })

/**
 * GET /v1/collections (query: the key's collections), POST /v1/collections and DELETE
 * /v1/collections/:name (admin). A collection outside the key's answers 404, as if it did not exist.
 */
export interface CollectionRoutesOptions {
  readonly corpus: Corpus
  /** a deleted collection's originals and their page images go with its documents */
  readonly originals?: OriginalStore | undefined
  readonly pageImages?: PageImages | undefined
}

export const collectionRoutes: FastifyPluginAsyncTypebox<CollectionRoutesOptions> = async (app, { corpus, originals, pageImages }) => {
  app.get(
    '/v1/collections',
    {
      schema: {
        summary: 'List the collections this key sees',
        response: { 200: Type.Object({ collections: Type.Array(Collection) }), ...documentErrors },
      },
    },
    async (req) => ({ collections: await scopedCorpus(corpus, requestCollections(req)).listCollections() }),
  )

  app.post(
    '/v1/collections',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Create an empty collection (an upload into a new collection creates it too)',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) }, { additionalProperties: false }),
        response: { 201: Collection, ...documentErrors },
      },
    },
    async (req, reply) => {
      const name = checkCollectionName(req.body.name)
      if (!(await scopedCorpus(corpus, requestCollections(req)).createCollection(name))) {
        throw new AppError('collection_exists', `collection "${name}" already exists`, { status: 409 })
      }
      audit(req, 'collection.create', { collection: name })
      return reply.status(201).send({ name, documents: 0 })
    },
  )

  app.delete(
    '/v1/collections/:name',
    {
      config: { scope: 'admin' },
      schema: {
        summary:
          'Delete a collection; one that holds documents only with ?force=true, and then its documents (all or none) and their originals with it',
        params: NameParams,
        querystring: Type.Object({ force: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }),
        response: {
          200: Type.Object({ name: Type.String(), deleted: Type.Boolean(), documents: Type.Array(Type.String()) }),
          ...documentErrors,
        },
      },
    },
    async (req) => {
      const { name } = req.params
      const parts = { corpus: scopedCorpus(corpus, requestCollections(req)), originals, pageImages }
      const deleted = await deleteCollection(parts, name, { force: req.query.force === 'true' })
      if (deleted === undefined) throw collectionNotFound(name)
      audit(req, 'collection.delete', { collection: name, documents: deleted.length })
      return { name, deleted: true, documents: deleted.map((key) => parseDocumentKey(key).id) }
    },
  )
}
