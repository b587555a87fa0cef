import type { FineTuneJob, FineTuneJobStore, FineTuneStatus, StoredFineTuneJob } from '../../core/finetune.js'
import { applyMigrations, openDatabase, type Db } from './database.js'

const migrations = [
  `CREATE TABLE finetune_jobs (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    base_model TEXT NOT NULL,
    status TEXT NOT NULL,
    fine_tuned_model TEXT,
    training_file_id TEXT NOT NULL,
    validation_file_id TEXT,
    suffix TEXT,
    error_json TEXT,
    trained_tokens INTEGER,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    dataset_hash TEXT,
    voice_name TEXT,
    last_event_id TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX finetune_jobs_status ON finetune_jobs(status);`,
]

interface Row {
  id: string
  provider: string
  base_model: string
  status: string
  fine_tuned_model: string | null
  training_file_id: string
  validation_file_id: string | null
  suffix: string | null
  error_json: string | null
  trained_tokens: number | null
  created_at: string
  finished_at: string | null
  dataset_hash: string | null
  voice_name: string | null
  last_event_id: string | null
  updated_at: string
}

function toJob(r: Row): StoredFineTuneJob {
  return {
    id: r.id,
    provider: r.provider,
    baseModel: r.base_model,
    status: r.status as FineTuneStatus,
    fineTunedModel: r.fine_tuned_model,
    trainingFileId: r.training_file_id,
    validationFileId: r.validation_file_id,
    suffix: r.suffix,
    error: r.error_json === null ? null : (JSON.parse(r.error_json) as { code: string; message: string }),
    trainedTokens: r.trained_tokens,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    datasetHash: r.dataset_hash,
    voiceName: r.voice_name,
    lastEventId: r.last_event_id,
    updatedAt: r.updated_at,
  }
}

/** Fine-tune jobs in the store, so `ragtune finetune status` can resume watching after a restart. */
export function createSqliteFineTuneJobStore(options: { db: Db } | { path: string }): FineTuneJobStore & { close(): Promise<void> } {
  const owned = !('db' in options)
  const db = 'db' in options ? options.db : openDatabase(options.path)
  applyMigrations(db, 'finetune-jobs', migrations)
  const getRow = db.prepare<[string], Row>('SELECT * FROM finetune_jobs WHERE id = ?')
  // Extra fields left undefined keep their stored value (a refresh from the provider must not erase them).
  const upsert = db.prepare(
    `INSERT INTO finetune_jobs (id, provider, base_model, status, fine_tuned_model, training_file_id, validation_file_id, suffix,
       error_json, trained_tokens, created_at, finished_at, dataset_hash, voice_name, last_event_id, updated_at)
     VALUES (@id, @provider, @baseModel, @status, @fineTunedModel, @trainingFileId, @validationFileId, @suffix,
       @error, @trainedTokens, @createdAt, @finishedAt, @datasetHash, @voiceName, @lastEventId, @updatedAt)
     ON CONFLICT(id) DO UPDATE SET status = excluded.status, fine_tuned_model = excluded.fine_tuned_model,
       error_json = excluded.error_json, trained_tokens = excluded.trained_tokens, finished_at = excluded.finished_at,
       dataset_hash = COALESCE(@datasetHashSet, finetune_jobs.dataset_hash),
       voice_name = COALESCE(@voiceNameSet, finetune_jobs.voice_name),
       last_event_id = COALESCE(@lastEventIdSet, finetune_jobs.last_event_id),
       updated_at = excluded.updated_at`,
  )
  return {
    async save(job: FineTuneJob, extra) {
      upsert.run({
        id: job.id,
        provider: job.provider,
        baseModel: job.baseModel,
        status: job.status,
        fineTunedModel: job.fineTunedModel,
        trainingFileId: job.trainingFileId,
        validationFileId: job.validationFileId,
        suffix: job.suffix,
        error: job.error === null ? null : JSON.stringify(job.error),
        trainedTokens: job.trainedTokens,
        createdAt: job.createdAt,
        finishedAt: job.finishedAt,
        datasetHash: extra.datasetHash ?? null,
        voiceName: extra.voiceName ?? null,
        lastEventId: extra.lastEventId ?? null,
        datasetHashSet: extra.datasetHash ?? null,
        voiceNameSet: extra.voiceName ?? null,
        lastEventIdSet: extra.lastEventId ?? null,
        updatedAt: new Date().toISOString(),
      })
      const row = getRow.get(job.id)
      if (row === undefined) throw new Error(`fine-tune job ${job.id} vanished after saving`)
      return toJob(row)
    },
    async get(jobId) {
      const row = getRow.get(jobId)
      return row === undefined ? undefined : toJob(row)
    },
    async list(options = {}) {
      const sql = options.unfinishedOnly === true
        ? "SELECT * FROM finetune_jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled') ORDER BY created_at DESC"
        : 'SELECT * FROM finetune_jobs ORDER BY created_at DESC'
      return db.prepare<[], Row>(sql).all().map(toJob)
    },
    async close() {
      if (owned) db.close()
    },
  }
}
