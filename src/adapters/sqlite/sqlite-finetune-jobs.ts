import type { FineTuneJob, FineTuneJobStore } from '../../core/finetune.js'
import { FINE_TUNE_JOBS_TABLE, fineTuneJobFromRow, fineTuneJobParams, type FineTuneJobRow } from '../finetune-job-row.js'
import { applyMigrations, openDatabase, type Db } from './database.js'

const migrations = [FINE_TUNE_JOBS_TABLE]

/** Fine-tune jobs in the store, so `ragtune finetune status` can resume watching after a restart. */
export function createSqliteFineTuneJobStore(options: { db: Db } | { path: string }): FineTuneJobStore {
  const owned = !('db' in options)
  const db = 'db' in options ? options.db : openDatabase(options.path)
  applyMigrations(db, 'finetune-jobs', migrations)
  const getRow = db.prepare<[string], FineTuneJobRow>('SELECT * FROM finetune_jobs WHERE id = ?')
  // Extra fields left undefined keep their stored value (a refresh from the provider must not erase them).
  const upsert = db.prepare(
    `INSERT INTO finetune_jobs (id, provider, base_model, status, fine_tuned_model, training_file_id, validation_file_id, suffix,
       error_json, trained_tokens, created_at, finished_at, dataset_hash, voice_name, last_event_id, updated_at)
     VALUES (@id, @provider, @baseModel, @status, @fineTunedModel, @trainingFileId, @validationFileId, @suffix,
       @error, @trainedTokens, @createdAt, @finishedAt, @datasetHash, @voiceName, @lastEventId, @updatedAt)
     ON CONFLICT(id) DO UPDATE SET status = excluded.status, fine_tuned_model = excluded.fine_tuned_model,
       error_json = excluded.error_json, trained_tokens = excluded.trained_tokens, finished_at = excluded.finished_at,
       dataset_hash = COALESCE(excluded.dataset_hash, finetune_jobs.dataset_hash),
       voice_name = COALESCE(excluded.voice_name, finetune_jobs.voice_name),
       last_event_id = COALESCE(excluded.last_event_id, finetune_jobs.last_event_id),
       updated_at = excluded.updated_at`,
  )
  return {
    async save(job: FineTuneJob, extra) {
      upsert.run(fineTuneJobParams(job, extra))
      const row = getRow.get(job.id)
      if (row === undefined) throw new Error(`fine-tune job ${job.id} vanished after saving`)
      return fineTuneJobFromRow(row)
    },
    async get(jobId) {
      const row = getRow.get(jobId)
      return row === undefined ? undefined : fineTuneJobFromRow(row)
    },
    async list(options = {}) {
      const sql =
        options.unfinishedOnly === true
          ? "SELECT * FROM finetune_jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled') ORDER BY created_at DESC"
          : 'SELECT * FROM finetune_jobs ORDER BY created_at DESC'
      return db.prepare<[], FineTuneJobRow>(sql).all().map(fineTuneJobFromRow)
    },
    async close() {
      if (owned) db.close()
    },
  }
}
