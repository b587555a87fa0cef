import type { JobStore } from '../../core/jobs.js'
import type { KeyStore } from '../../core/keys.js'
import type { ModelRegistry } from '../../core/model-registry.js'
import { openPgPool } from './pg-database.js'
import { createPgJobStore } from './pg-jobs.js'
import { createPgKeyStore } from './pg-keys.js'
import { createPgModelRegistry } from './pg-model-registry.js'
import { createPgOriginalStore } from './pg-originals.js'
import type { OriginalStore } from '../../core/originals.js'

/**
 * The shared stores of a scaled deployment (DATABASE_URL): ingestion jobs, API keys, the model/voice
 * registry and the originals, on one pool. The pool ends when the last of the four is closed.
 */
export async function openPgStores(url: string, options: { pageCacheDir: string }): Promise<{ jobs: JobStore; keys: KeyStore; models: ModelRegistry; originals: OriginalStore }> {
  const pool = await openPgPool({ url })
  let open = 4
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
    originals: await createPgOriginalStore({ pool, cacheDir: options.pageCacheDir, onClose }),
  }
}
