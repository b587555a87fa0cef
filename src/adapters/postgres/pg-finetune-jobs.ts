import type { FineTuneJob, FineTuneJobStore } from '../../core/finetune.js'
import { FINE_TUNE_JOBS_TABLE, fineTuneJobFromRow, fineTuneJobParams, type FineTuneJobRow } from '../finetune-job-row.js'
import { migratePg, type PgPool } from './pg-database.js'

const migrations: readonly string[] = [FINE_TUNE_JOBS_TABLE]

const UPSERT = `INSERT INTO finetune_jobs (id, provider, base_model, status, fine_tuned_model, training_file_id, validation_file_id, suffix,
    error_json, trained_tokens, created_at, finished_at, dataset_hash, voice_name, last_event_id, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, fine_tuned_model = excluded.fine_tuned_model,
    error_json = excluded.error_json, trained_tokens = excluded.trained_tokens, finished_at = excluded.finished_at,
    dataset_hash = COALESCE(excluded.dataset_hash, finetune_jobs.dataset_hash),
    voice_name = COALESCE(excluded.voice_name, finetune_jobs.voice_name),
    last_event_id = COALESCE(excluded.last_event_id, finetune_jobs.last_event_id),
    updated_at = excluded.updated_at
  RETURNING *`

/** Fine-tune jobs in PostgreSQL, so a job started through one replica is listed, followed and finished by any. */
export async function createPgFineTuneJobStore(options: { pool: PgPool; onClose?: () => Promise<void> }): Promise<FineTuneJobStore> {
  const { pool } = options
  await migratePg(pool, 'finetune-jobs', migrations)
  return {
    async save(job: FineTuneJob, extra) {
      const p = fineTuneJobParams(job, extra)
      const { rows } = await pool.query<FineTuneJobRow>(UPSERT, [
        p.id,
        p.provider,
        p.baseModel,
        p.status,
        p.fineTunedModel,
        p.trainingFileId,
        p.validationFileId,
        p.suffix,
        p.error,
        p.trainedTokens,
        p.createdAt,
        p.finishedAt,
        p.datasetHash,
        p.voiceName,
        p.lastEventId,
        p.updatedAt,
      ])
      return fineTuneJobFromRow(rows[0]!)
    },
    async get(jobId) {
      const row = (await pool.query<FineTuneJobRow>('SELECT * FROM finetune_jobs WHERE id = $1', [jobId])).rows[0]
      return row === undefined ? undefined : fineTuneJobFromRow(row)
    },
    async list(options = {}) {
      const where = options.unfinishedOnly === true ? "WHERE status NOT IN ('succeeded', 'failed', 'cancelled')" : ''
      return (await pool.query<FineTuneJobRow>(`SELECT * FROM finetune_jobs ${where} ORDER BY created_at DESC`)).rows.map(
        fineTuneJobFromRow,
      )
    },
    async close() {
      await options.onClose?.()
    },
  }
}
