import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { Corpus } from '../core/corpus.js'
import type { Answerer } from '../core/answer/answerer.js'
import type { VoiceResolver } from '../core/answer/voice.js'
import type { KeyStore } from '../core/keys.js'
import type { JobStore } from '../core/jobs.js'
import type { IngestDeps } from '../core/ingest/ingest-pipeline.js'
import type { EmbeddingModel } from '../core/models.js'
import type { FineTuneJobStore, FineTuneService } from '../core/finetune.js'
import type { ModelRegistry } from '../core/model-registry.js'
import type { OriginalStore, PageImages } from '../core/originals.js'
import type { IntegrityWatch } from '../core/readiness/integrity-watch.js'
import type { CacheRegistry } from '../core/bounded-cache.js'

/**
 * Everything the HTTP layer needs, built once by deps.ts (or by a test). Routes receive their slice
 * through `register` options; nothing hangs on the Fastify instance.
 */
export interface AppDeps {
  readonly config: Config
  readonly logger: Logger
  readonly corpus: Corpus
  /** the store's integrity checks behind /readyz, when the caller started them early (bin/serve.ts); else buildApp starts them */
  readonly integrity?: IntegrityWatch
  /** ingestion jobs and the ingest pipeline's dependencies; the document routes need both */
  readonly jobs?: JobStore
  readonly ingest?: IngestDeps
  /** set when RAGTUNE_EMBEDDING_MODEL is */
  readonly embedder?: EmbeddingModel
  /** the answer pipeline and its voices; the answer routes need both */
  readonly answerer?: Answerer
  readonly voices?: VoiceResolver
  /** the caches its objects created (served in /metrics as ragtune_cache_*) */
  readonly caches?: CacheRegistry
  /** API keys; absent or empty means open mode, allowed on loopback only */
  readonly keys?: KeyStore
  /** the voice registry behind `voices` (closed with the rest) */
  readonly registry?: ModelRegistry
  /** where fine-tune jobs are kept (the same backend as `registry`); finetune/ builds its service on it */
  readonly fineTuneJobs?: FineTuneJobStore
  /** fine-tuning jobs and activation; composed by bin/serve.ts, since src/ never imports finetune/ */
  readonly finetunes?: FineTuneService
  /** originals kept beside their versions, and their page images (files and pages routes) */
  readonly originals?: OriginalStore
  readonly pageImages?: PageImages
}

/** Closes whatever `deps` holds (the parser pool first, the corpus last). */
export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.ingest?.parser.close()
  await deps.jobs?.close()
  await deps.keys?.close()
  await deps.registry?.close()
  await deps.fineTuneJobs?.close()
  await deps.originals?.close()
  await deps.corpus.close()
}
