import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { AnswerResult } from '../core/answer/answer-result.js'
import type { FileResult, JobStore } from '../core/jobs.js'
import type { CacheRegistry } from '../core/bounded-cache.js'
import { once } from '../lazy.js'
import type { PromMetrics } from './prom-metrics.js'

export interface MetricsOptions {
  defaultMetrics?: boolean
  /** the process' caches (ragtune_cache_* series) */
  caches?: Pick<CacheRegistry, 'stats'>
  /** read at scrape time for the queue-depth gauge (one COUNT query) */
  jobs?: Pick<JobStore, 'countQueued'>
}

/** The server's Prometheus metrics, served at GET /metrics in the text exposition format. */
export interface Metrics {
  /** records an answer's timings, tokens and fact-lock findings (and logs them: ids and counts, no text) */
  observeAnswer(result: AnswerResult, log?: { info: (obj: object, msg: string) => void; isLevelEnabled?: (level: string) => boolean }): void
  /**
   * Counts one file an ingest job of this server ended (upload, re-ingest). A `ragtune worker` process
   * serves no /metrics, so files it ingests are not counted here; the queue depth still shows its backlog.
   */
  observeIngestFile(result: FileResult): void
  /** times one request (see PromMetrics.observeRequest) */
  observeRequest(method: string, route: string, status: number, seconds: number): void
  /** the exposition: content type and text */
  scrape(): Promise<{ contentType: string; text: string }>
  /** loads prom-client and builds the registry now (the server does it once ready) */
  warm(): Promise<unknown>
}

const MAX_WAITING = 1000

/**
 * prom-client (with the OpenTelemetry API its CPU metric loads) costs start-up time and no request needs
 * it before it answers: it loads once the server is ready (`warm`), or before with the first answer,
 * ingested file or scrape (or the thousandth request timed). Observations made meanwhile are recorded in
 * their order as soon as it is there.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  let ready: PromMetrics | undefined
  const waiting: Array<(m: PromMetrics) => void> = []
  const load = once(async () => {
    const { createPromMetrics } = await import('./prom-metrics.js')
    ready = createPromMetrics(options)
    for (const record of waiting.splice(0)) record(ready)
    return ready
  })
  // A request's timing waits without starting the load (readiness probes come before ready), up to a bound.
  const record = (observe: (m: PromMetrics) => void, start = true): void => {
    if (ready !== undefined) return observe(ready)
    waiting.push(observe)
    if (start || waiting.length >= MAX_WAITING) void load()
  }
  return {
    observeAnswer(result, log) {
      // the log line does not wait for prom-client
      if (log !== undefined && (log.isLevelEnabled?.('info') ?? true)) {
        log.info(
          {
            mode: result.mode,
            model: result.model,
            voice: result.voice,
            prompt: result.prompt,
            citations: result.citations.length,
            unsupportedNumbers: result.unsupportedNumbers.length,
            removedCitations: result.removedCitations.length,
            timings: result.timings,
          },
          'answered',
        )
      }
      record((m) => m.observeAnswer(result))
    },
    observeIngestFile: (result) => record((m) => m.observeIngestFile(result)),
    observeRequest: (method, route, status, seconds) => record((m) => m.observeRequest(method, route, status, seconds), false),
    async scrape() {
      const { registry } = await load()
      return { contentType: registry.contentType, text: await registry.metrics() }
    },
    warm: load,
  }
}

/** Times every request and serves GET /metrics. Call on the root instance. */
export function installMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (req, reply, done) => {
    metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
  app.get('/metrics', { schema: { hide: true, response: { 200: Type.String() } } }, async (_req, reply) => {
    const { contentType, text } = await metrics.scrape()
    return reply.type(contentType).send(text)
  })
}
