import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { Corpus } from './core/corpus.js'
import { AppError } from './errors.js'
import { healthRoutes } from './http/routes/health.js'
import { installPlatform, registerAnswerRoutes } from './http/platform.js'
import { createMetrics } from './http/metrics.js'
import type { Answerer } from './core/answer/answerer.js'
import type { VoiceResolver } from './core/answer/voice.js'
import type { KeyStore } from './core/keys.js'
import { documentRoutes } from './http/routes/documents.js'
import type { JobStore } from './core/jobs.js'
import type { IngestDeps } from './core/ingest/ingest-pipeline.js'
import type { EmbeddingModel } from './core/models.js'
import type { FinetuneService } from './core/finetune.js'
import type { ModelRegistry } from './core/model-registry.js'
import { finetuneRoutes } from './http/routes/finetunes.js'
import { collectionRoutes } from './http/routes/collections.js'

/**
 * Everything the HTTP layer needs, built once by deps.ts (or by a test). Routes receive their slice
 * through `register` options; nothing hangs on the Fastify instance.
 */
export interface AppDeps {
  readonly config: Config
  readonly logger: Logger
  readonly corpus: Corpus
  /** ingestion jobs and the ingest pipeline's dependencies; the document routes need both */
  readonly jobs?: JobStore
  readonly ingest?: IngestDeps
  /** set when RAGTUNE_EMBEDDING_MODEL is */
  readonly embedder?: EmbeddingModel
  /** the answer pipeline and its voices; the answer routes need both */
  readonly answerer?: Answerer
  readonly voices?: VoiceResolver
  /** hit and miss counts of the retrieval cache, when there is one (served in /metrics) */
  readonly retrievalCache?: { readonly stats: { readonly hits: number; readonly misses: number } }
  /** API keys; absent or empty means open mode, allowed on loopback only */
  readonly keys?: KeyStore
  /** the voice registry behind `voices` (closed with the rest) */
  readonly registry?: ModelRegistry
  /** fine-tuning jobs and activation; composed by bin/serve.ts, since src/ never imports finetune/ */
  readonly finetunes?: FinetuneService
}

/** Builds the app; reads no environment and never listens (server.ts does). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
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
    requestTimeout: 120_000,
    connectionTimeout: 10_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // callback style: an async hook costs a promise per request for one header
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id)
    done()
  })

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
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
  const metrics = createMetrics(deps.retrievalCache === undefined ? {} : { retrievalCache: deps.retrievalCache })
  await installPlatform(app, { config: deps.config, logger: deps.logger, keys: deps.keys, metrics })
  await app.register(healthRoutes, { corpus: deps.corpus })
  if (deps.answerer !== undefined && deps.voices !== undefined) {
    await registerAnswerRoutes(app, { answerer: deps.answerer, voices: deps.voices, metrics })
  }
  if (deps.ingest !== undefined && deps.jobs !== undefined) {
    await app.register(documentRoutes, { ingest: deps.ingest, jobs: deps.jobs, stagingDir: uploadsDir(deps.config.dataDir), mode: deps.config.ingest.mode })
  }
  await app.register(collectionRoutes, { corpus: deps.corpus })
  if (deps.finetunes !== undefined) await app.register(finetuneRoutes, { finetunes: deps.finetunes })
  return app
}

function fastifyCode(err: FastifyError): string {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body_too_large'
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type'
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'invalid_json'
  return 'bad_request'
}

/** Where uploads wait for their job; deps.ts clears what a dead process left there. */
export function uploadsDir(dataDir: string): string {
  return `${dataDir}/uploads`
}
