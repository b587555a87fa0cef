import type { ModelEvaluation, ModelStatus, RegisteredModel, VoiceKind } from '../core/model-registry.js'
import { AppError } from '../errors.js'
import { isoTime, jsonColumnOrNull } from './sql-values.js'

/**
 * A registered model as both SQL stores select it (`SELECT *`). The evaluation is `evaluation_json` TEXT in
 * SQLite and `evaluation` JSONB in PostgreSQL; `active` an INTEGER 0/1 in SQLite and a BOOLEAN in PostgreSQL.
 */
export interface ModelRow {
  id: string
  provider: string
  model: string | null
  base_model: string | null
  base_url: string | null
  dataset_hash: string | null
  job_id: string | null
  status: string
  kind: string
  collection: string | null
  evaluation?: ModelEvaluation | null
  evaluation_json?: string | null
  active: boolean | number
  created_at: string | Date
  updated_at: string | Date
}

export function modelFromRow(r: ModelRow): RegisteredModel {
  return {
    id: r.id,
    provider: r.provider,
    model: r.model,
    baseModel: r.base_model,
    baseURL: r.base_url,
    datasetHash: r.dataset_hash,
    jobId: r.job_id,
    status: r.status as ModelStatus,
    kind: r.kind as VoiceKind,
    evaluation: jsonColumnOrNull<ModelEvaluation>(r.evaluation_json ?? r.evaluation ?? null),
    collection: r.collection,
    active: r.active === true || r.active === 1,
    createdAt: isoTime(r.created_at),
    updatedAt: isoTime(r.updated_at),
  }
}

export function modelNotFound(id: string): AppError {
  return new AppError('model_not_found', `no model "${id}" in the registry; see \`ragtune models list\``, { status: 404 })
}

/** Only a ready model can be activated. */
export function assertReady(m: RegisteredModel): void {
  if (m.status !== 'ready') {
    throw new AppError('model_not_ready', `model "${m.id}" is ${m.status}; only a ready model can be activated`, { status: 409 })
  }
}

/** What a voice is once it holds `samples` style passages: without a fine-tuned model always prompted; with one, prompted too when it has samples. */
export function voiceKindWith(m: RegisteredModel, samples: number): VoiceKind {
  if (m.model === null) return 'prompted'
  return samples === 0 ? 'fine-tuned' : 'prompted+fine-tuned'
}
