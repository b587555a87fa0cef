import type { FineTuneJobStore } from '../../core/finetune.js'
import type { JobStore } from '../../core/jobs.js'
import type { KeyStore } from '../../core/keys.js'
import type { ModelRegistry } from '../../core/model-registry.js'
import { openPgPool } from './pg-database.js'
import { createPgFineTuneJobStore } from './pg-finetune-jobs.js'
import { createPgJobStore } from './pg-jobs.js'
import { createPgKeyStore } from './pg-keys.js'
import { createPgModelRegistry } from './pg-model-registry.js'
import { createPgOriginalStore } from './pg-originals.js'
import type { OriginalStore } from '../../core/originals.js'

export interface SharedStores {
  readonly jobs: JobStore
  readonly keys: KeyStore
  readonly models: ModelRegistry
  readonly fineTuneJobs: FineTuneJobStore
  readonly originals: OriginalStore
}

/**
 * The shared stores of a scaled deployment (DATABASE_URL): ingestion jobs, API keys, the model/voice
 * registry, fine-tune jobs and the originals, on one pool. The pool ends when the last of the five is
 * closed. `pageCacheDir` is this replica's local cache (page images, copies of originals to render).
 */
export async function openPgStores(url: string, options: { schema?: string; pageCacheDir: string }): Promise<SharedStores> {
  const pool = await openPgPool({ url, ...(options.schema === undefined ? {} : { schema: options.schema }) })
  let open = 5
  const onClose = async (): Promise<void> => {
    open -= 1
    if (open === 0) await pool.end()
  }
  const jobs = await createPgJobStore({ pool })
  const jobsClose = jobs.close.bind(jobs)
  return {
    jobs: {
      ...jobs,
      async close() {
        await jobsClose()
        await onClose()
      },
    },
    keys: await createPgKeyStore({ pool, onClose }),
    models: await createPgModelRegistry({ pool, onClose }),
    fineTuneJobs: await createPgFineTuneJobStore({ pool, onClose }),
    originals: await createPgOriginalStore({ pool, cacheDir: options.pageCacheDir, onClose }),
  }
}
