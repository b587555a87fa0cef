import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AppError, storageFault } from './errors.js'
import { clientErrorHandler, frameworkErrorHandler } from './http/framework-errors.js'
import { healthRoutes } from './http/routes/health.js'
import { lazySchemaCompilers } from './http/schema-compilers.js'
import { watchIntegrity } from './core/readiness/integrity-watch.js'
import { installPlatform, registerAnswerRoutes } from './http/platform.js'
import { createMetrics } from './http/metrics.js'
import { documentRoutes } from './http/routes/documents.js'
import { finetuneRoutes } from './http/routes/finetunes.js'
import { collectionRoutes } from './http/routes/collections.js'
import { documentFileRoutes } from './http/routes/document-files.js'
import type { AppDeps } from './composition/app-deps.js'
import { uploadsDir } from './composition/paths.js'

// buildApp's callers (tests, benches) take the type from here; the composition root owns it.
export type { AppDeps }

/** Builds the app; reads no environment and never listens (server.ts does). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  try {
    return await assembleApp(deps)
  } catch (err) {
    // routes read their stores as they register (API keys, the registry): a damaged table is a storage fault
    throw storageFault(err) ?? err
  }
}

async function assembleApp(deps: AppDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger so plugins written against the default instance type register cleanly.
  const loggerInstance: FastifyBaseLogger = deps.logger
  const app = Fastify({
    loggerInstance,
    bodyLimit: deps.config.server.bodyLimitBytes,
    // Clients may send their own id (a gateway's); otherwise one is made here.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID()
    },
    // Socket timeouts sit above the answer deadline (routes answer 504 / an SSE error event first), so a
    // client always gets a status and a request id.
    requestTimeout: deps.config.server.answerTimeoutMs + 30_000,
    connectionTimeout: deps.config.server.answerTimeoutMs + 15_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    // ids are at most 128 characters: a longer path parameter is a 414 in the usual error shape
    routerOptions: { maxParamLength: 128 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // Compiled with a route's first request; JSON bodies strict, path and query strings coerced.
    schemaController: { compilersFactory: lazySchemaCompilers },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // callback style: an async hook costs a promise per request for one header
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id)
    done()
  })

  app.setErrorHandler((raw: FastifyError | AppError, req, reply) => {
    const err = raw instanceof AppError ? raw : (storageFault(raw) ?? raw)
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err }, 'request failed')
      if (err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter))
      return reply.status(err.status).send({ error: { code: err.code, message: err.message }, requestId: req.id })
    }
    if (err.validation) {
      return reply.status(400).send({
        error: { code: 'invalid_request', message: `${err.message}` },
        requestId: req.id,
      })
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500
    if (status >= 500) {
      req.log.error({ err }, 'unhandled error')
      return reply
        .status(status)
        .send({ error: { code: 'internal', message: 'internal error; the request id is in the logs' }, requestId: req.id })
    }
    return reply.status(status).send({ error: { code: fastifyCode(err), message: err.message }, requestId: req.id })
  })

  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` },
      requestId: req.id,
    }),
  )

  // Auth, rate limits, OpenAPI and metrics first: their onRoute hooks must see every route.
  const metrics = createMetrics({
    ...(deps.caches === undefined ? {} : { caches: deps.caches }),
    ...(deps.jobs === undefined ? {} : { jobs: deps.jobs }),
  })
  const { warmBrowserApp } = await installPlatform(app, { config: deps.config, logger: deps.logger, keys: deps.keys, metrics })
  await app.register(healthRoutes, {
    corpus: deps.corpus,
    integrity: deps.integrity ?? watchIntegrity(deps.corpus),
    embeddingModel: deps.embedder?.id,
    // Ready first, then what start-up left out (prom-client, the browser app), in the background: the first
    // scrape and a browser's first page then come at once.
    afterReady: () =>
      void metrics
        .warm()
        .then(warmBrowserApp)
        .catch((err: unknown) => deps.logger.warn({ err }, 'loading what start-up left out failed')),
  })
  if (deps.answerer !== undefined && deps.voices !== undefined) {
    await registerAnswerRoutes(app, {
      answerer: deps.answerer,
      voices: deps.voices,
      metrics,
      deadlineMs: deps.config.server.answerTimeoutMs,
      chatFactNotes: deps.config.server.chatFactNotes,
    })
  }
  if (deps.ingest !== undefined && deps.jobs !== undefined) {
    await app.register(documentRoutes, {
      ingest: deps.ingest,
      jobs: deps.jobs,
      stagingDir: uploadsDir(deps.config.dataDir),
      mode: deps.config.ingest.mode,
      maxUploadBytes: deps.config.ingest.maxUploadBytes,
      originals: deps.originals,
      pageImages: deps.pageImages,
      metrics,
    })
  }
  await app.register(collectionRoutes, { corpus: deps.corpus, originals: deps.originals, pageImages: deps.pageImages })
  if (deps.originals !== undefined && deps.pageImages !== undefined)
    await app.register(documentFileRoutes, { corpus: deps.corpus, originals: deps.originals, pageImages: deps.pageImages })
  if (deps.finetunes !== undefined) await app.register(finetuneRoutes, { finetunes: deps.finetunes })
  return app
}

function fastifyCode(err: FastifyError): string {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body_too_large'
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type'
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'invalid_json'
  return 'bad_request'
}
