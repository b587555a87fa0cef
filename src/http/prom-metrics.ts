import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { CacheStats } from '../core/bounded-cache.js'
import type { AnswerResult } from '../core/answer/answer-result.js'
import type { Metrics, MetricsOptions } from './metrics.js'

/**
 * Prometheus metrics by prom-client (loaded with the first observation or scrape: see metrics.ts), one
 * registry per app (tests build many apps in one process, and a global registry would refuse the second
 * registration).
 */
export interface PromMetrics extends Pick<Metrics, 'observeIngestFile'> {
  readonly registry: Registry
  /** counts an answer's timings, tokens and fact-lock findings (`Metrics.observeAnswer` logs it) */
  observeAnswer(result: AnswerResult): void
  /** times one request: the route pattern, never the raw URL (ids in paths would make unbounded label sets) */
  observeRequest(method: string, route: string, status: number, seconds: number): void
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

export function createPromMetrics(options: MetricsOptions): PromMetrics {
  const registry = new Registry()
  const jobs = options.jobs
  if (jobs !== undefined) {
    new Gauge({
      name: 'ragtune_ingest_queue_depth',
      help: 'Ingestion jobs waiting in the queue (status queued)',
      registers: [registry],
      async collect() {
        this.set(await jobs.countQueued())
      },
    })
  }
  const caches = options.caches
  if (caches !== undefined) {
    // read from the caches' own counts when scraped (CacheRegistry.stats: every name, summed over instances)
    const gauge = (name: string, help: string, read: (s: CacheStats) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['cache'],
        registers: [registry],
        collect() {
          for (const s of caches.stats()) this.set({ cache: s.name }, read(s))
        },
      })
    }
    const counter = (name: string, help: string, read: (s: CacheStats) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ['cache'],
        registers: [registry],
        collect() {
          this.reset()
          for (const s of caches.stats()) this.inc({ cache: s.name }, read(s))
        },
      })
    }
    gauge('ragtune_cache_entries', 'Entries an in-memory cache holds now, by cache (see src/core/cache-limits.ts)', (s) => s.entries)
    gauge('ragtune_cache_limit_entries', 'The most entries a cache may hold (RAGTUNE_CACHE_LIMITS; 0: off)', (s) => s.limit)
    counter('ragtune_cache_hits_total', 'Cache lookups answered from memory, by cache', (s) => s.hits)
    counter('ragtune_cache_misses_total', 'Cache lookups that computed their value, by cache', (s) => s.misses)
    counter(
      'ragtune_cache_evictions_total',
      'Entries dropped to stay within the limit (least recently used first), by cache',
      (s) => s.evictions,
    )
  }
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  const http = new Histogram({
    name: 'ragtune_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [registry],
  })
  const retrieval = new Histogram({
    name: 'ragtune_retrieval_duration_seconds',
    help: 'Retrieval latency per question',
    buckets: SECONDS,
    registers: [registry],
  })
  const model = new Histogram({
    name: 'ragtune_model_duration_seconds',
    help: 'Chat model latency per answer (condensing included)',
    labelNames: ['model'],
    buckets: SECONDS,
    registers: [registry],
  })
  const answers = new Counter({ name: 'ragtune_answers_total', help: 'Answers by mode', labelNames: ['mode'], registers: [registry] })
  // prom-client hashes a label object on every call; the two modes' series are bound once
  const answersBy = { extractive: answers.labels('extractive'), generated: answers.labels('generated') }
  const tokens = new Counter({
    name: 'ragtune_model_tokens_total',
    help: 'Model tokens by model and kind',
    labelNames: ['model', 'kind'],
    registers: [registry],
  })
  const flagged = new Counter({
    name: 'ragtune_fact_lock_flags_total',
    help: 'Fact-lock findings: removed citations and unsupported numbers',
    labelNames: ['kind'],
    registers: [registry],
  })

  const ingestFiles = new Counter({
    name: 'ragtune_ingest_files_total',
    help: 'Files ended by ingest jobs of this server, by status',
    labelNames: ['status'],
    registers: [registry],
  })
  const ingestPages = new Counter({ name: 'ragtune_ingest_pages_total', help: 'Pages of ingested files', registers: [registry] })
  const ingestChunks = new Counter({ name: 'ragtune_ingest_chunks_total', help: 'Chunks of ingested files', registers: [registry] })
  const ingestSeconds = new Histogram({
    name: 'ragtune_ingest_file_duration_seconds',
    help: 'Time to ingest one file (hash, parse, chunk, embed, commit)',
    buckets: SECONDS,
    registers: [registry],
  })

  // One series per method, route and status, bound on first use: prom-client would hash the labels on every call.
  const series = new Map<string, { observe(value: number): void }>()
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`
      let child = series.get(key)
      if (child === undefined) series.set(key, (child = http.labels(method, route, String(status))))
      child.observe(seconds)
    },
    observeIngestFile(result) {
      ingestFiles.inc({ status: result.status })
      // unchanged files were not re-read; skipped and rejected ones never started
      if (result.status !== 'ingested') return
      ingestPages.inc(result.pages)
      ingestChunks.inc(result.chunks)
      ingestSeconds.observe(result.seconds)
    },
    observeAnswer(result) {
      answersBy[result.mode].inc()
      retrieval.observe(result.timings.retrievalMs / 1000)
      if (result.model !== null) model.observe({ model: result.model }, result.timings.modelMs / 1000)
      if (result.usage !== null && result.model !== null) {
        tokens.inc({ model: result.model, kind: 'prompt' }, result.usage.promptTokens)
        tokens.inc({ model: result.model, kind: 'completion' }, result.usage.completionTokens)
      }
      if (result.removedCitations.length > 0) flagged.inc({ kind: 'removed_citation' }, result.removedCitations.length)
      if (result.unsupportedNumbers.length > 0) flagged.inc({ kind: 'unsupported_number' }, result.unsupportedNumbers.length)
    },
  }
}
