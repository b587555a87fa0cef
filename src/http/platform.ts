import type { FastifyInstance } from 'fastify'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { KeyStore } from '../core/keys.js'
import { AppError } from '../errors.js'
import { installAuth } from './auth.js'
import { installMetrics, type Metrics } from './metrics.js'
import { installBrowserApp } from './browser-app.js'
import type { Answerer } from '../core/answer/answerer.js'
import type { VoiceResolver } from '../core/answer/voice.js'
import { askRoutes } from './routes/ask.js'
import { chatCompletionRoutes } from './routes/chat-completions.js'
import { modelRoutes } from './routes/models.js'

/**
 * Cross-cutting HTTP pieces, installed on the root instance before any route so their onRoute hooks see
 * every route: bearer auth, per-key rate limits, the browser app (web console, OpenAPI document and UI at
 * /docs, built with its first request: browser-app.ts), Prometheus /metrics.
 */
export async function installPlatform(
  app: FastifyInstance,
  deps: { config: Config; logger: Logger; keys: KeyStore | undefined; metrics: Metrics; version?: string },
): Promise<{ warmBrowserApp: () => Promise<unknown> }> {
  // Before auth: a browser's preflight carries no key and is answered here.
  const origins = deps.config.server.corsOrigins
  if (origins.length > 0) {
    await app.register(cors, {
      origin: origins.includes('*') ? '*' : [...origins],
      methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'x-request-id',
        'x-ragtune-task',
        'openai-organization',
        'openai-project',
        'x-stainless-lang',
        'x-stainless-package-version',
        'x-stainless-os',
        'x-stainless-arch',
        'x-stainless-runtime',
        'x-stainless-runtime-version',
        'x-stainless-retry-count',
        'x-stainless-timeout',
      ],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    })
  }
  await installAuth(app, { keys: deps.keys, host: deps.config.server.host, logger: deps.logger })

  const perMinute = deps.config.server.rateLimitPerMinute
  // 0 turns limits off (benchmarks, a gateway that limits already).
  if (perMinute > 0) {
    await app.register(rateLimit, {
      max: perMinute,
      timeWindow: 60_000,
      // Per key, so one busy client cannot starve the others; per address without a key (open mode).
      keyGenerator: (req) => (req.principal?.keyId ? `key:${req.principal.keyId}` : `ip:${req.ip}`),
      allowList: (req) => !req.url.startsWith('/v1/'),
      errorResponseBuilder: (_req, ctx) =>
        new AppError('rate_limited', `rate limit of ${ctx.max} requests per minute reached; retry in ${ctx.after}`, {
          status: ctx.statusCode,
          retryable: true,
          retryAfter: Math.max(1, Math.ceil(ctx.ttl / 1000)),
        }),
    })
  }

  // Every route gets a tag by its resource (the OpenAPI UI groups by tag; untagged routes sit under "default").
  app.addHook('onRoute', (route) => {
    if (route.schema?.tags !== undefined) return
    route.schema = { ...route.schema, tags: [tagFor(route.url)] }
  })
  const browser = installBrowserApp(app, { logger: deps.logger, version: deps.version })
  installMetrics(app, deps.metrics)
  return { warmBrowserApp: browser.warm }
}

function tagFor(url: string): string {
  if (url === '/v1/ask') return 'answers'
  if (url.startsWith('/v1/chat/') || url === '/v1/models') return 'openai'
  if (url.startsWith('/v1/documents') || url.startsWith('/v1/ingestions')) return 'documents'
  if (url.startsWith('/v1/finetunes') || url.startsWith('/v1/models/')) return 'finetunes'
  return 'operations'
}

/** The answer routes: /v1/ask, /v1/chat/completions, /v1/models. */
export async function registerAnswerRoutes(
  app: FastifyInstance,
  deps: { answerer: Answerer; voices: VoiceResolver; metrics: Metrics; deadlineMs?: number; chatFactNotes?: boolean },
): Promise<void> {
  const answer = {
    answerer: deps.answerer,
    metrics: deps.metrics,
    ...(deps.deadlineMs === undefined ? {} : { deadlineMs: deps.deadlineMs }),
  }
  await app.register(askRoutes, answer)
  await app.register(chatCompletionRoutes, { ...answer, factNotes: deps.chatFactNotes ?? true })
  await app.register(modelRoutes, { voices: deps.voices, startedAt: Date.now() })
}
