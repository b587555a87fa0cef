import type { FineTuneJob, FineTuneJobStore, FineTuneStatus, StoredFineTuneJob } from '../core/finetune.js'

/** The table both SQL stores keep jobs in (SQLite and PostgreSQL read this DDL alike); timestamps as ISO text. */
export const FINE_TUNE_JOBS_TABLE = `CREATE TABLE finetune_jobs (
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
  CREATE INDEX finetune_jobs_status ON finetune_jobs(status);`

/** A fine-tune job as both SQL stores keep it (one column per field; timestamps as ISO text). */
export interface FineTuneJobRow {
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

export function fineTuneJobFromRow(r: FineTuneJobRow): StoredFineTuneJob {
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

/**
 * The values of one save, named after the columns; an extra field left undefined is null here and keeps
 * its stored value in the upsert (a refresh from the provider must not erase it).
 */
export function fineTuneJobParams(job: FineTuneJob, extra: Parameters<FineTuneJobStore['save']>[1]) {
  return {
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
    updatedAt: new Date().toISOString(),
  }
}
