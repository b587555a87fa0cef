import type { ModelRegistry, NewModel, RegisteredModel, VoiceKind } from '../../core/model-registry.js'
import { assertReady, modelFromRow, modelNotFound, voiceKindWith, type ModelRow } from '../model-row.js'
import { inTransaction, migratePg, type PgClient, type PgPool } from './pg-database.js'

const migrations: readonly string[] = [
  `CREATE TABLE models (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT,
    base_model TEXT,
    base_url TEXT,
    dataset_hash TEXT,
    job_id TEXT,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    evaluation JSONB,
    active BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active;
  CREATE INDEX models_job ON models (job_id);
  CREATE TABLE model_registry_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
  INSERT INTO model_registry_version VALUES (1, 0);
  CREATE TABLE voice_samples (
    voice_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    PRIMARY KEY (voice_id, position)
  );
  CREATE INDEX voice_samples_tsv ON voice_samples USING gin (tsv);`,
  // a voice bound to a collection answers from it by default
  'ALTER TABLE models ADD COLUMN collection TEXT',
]

/**
 * The model/voice registry in PostgreSQL: an activation on one replica is what every other replica's
 * resolver sees on its next `version()` check. Every write bumps the version in the same transaction.
 */
export async function createPgModelRegistry(options: { pool: PgPool; onClose?: () => Promise<void> }): Promise<ModelRegistry> {
  const { pool } = options
  await migratePg(pool, 'model-registry', migrations)

  const getRow = async (c: PgClient | PgPool, id: string): Promise<ModelRow | undefined> =>
    (await c.query<ModelRow>('SELECT * FROM models WHERE id = $1', [id])).rows[0]
  const mustGet = async (c: PgClient | PgPool, id: string): Promise<RegisteredModel> => {
    const row = await getRow(c, id)
    if (row === undefined) throw modelNotFound(id)
    return modelFromRow(row)
  }
  const write = <T>(fn: (c: PgClient) => Promise<T>): Promise<T> =>
    inTransaction(pool, async (c) => {
      // taking the version row first serialises writers (activation's "only one active" included)
      await c.query('UPDATE model_registry_version SET version = version + 1 WHERE id = 1')
      return fn(c)
    })

  return {
    async upsert(m: NewModel) {
      return write(async (c) => {
        const existing = await getRow(c, m.id)
        const kind = m.kind ?? (existing?.kind as VoiceKind | undefined) ?? 'fine-tuned'
        await c.query(
          `INSERT INTO models (id, provider, model, base_model, base_url, dataset_hash, job_id, status, kind)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO UPDATE SET provider = EXCLUDED.provider, model = EXCLUDED.model, base_model = EXCLUDED.base_model,
             base_url = EXCLUDED.base_url, dataset_hash = EXCLUDED.dataset_hash, job_id = EXCLUDED.job_id, status = EXCLUDED.status,
             kind = EXCLUDED.kind, updated_at = now(),
             evaluation = CASE WHEN models.model IS NOT DISTINCT FROM EXCLUDED.model AND models.base_url IS NOT DISTINCT FROM EXCLUDED.base_url
               THEN models.evaluation ELSE NULL END`,
          [m.id, m.provider, m.model, m.baseModel, m.baseURL, m.datasetHash, m.jobId, m.status, kind],
        )
        return mustGet(c, m.id)
      })
    },
    async get(id) {
      const row = await getRow(pool, id)
      return row === undefined ? undefined : modelFromRow(row)
    },
    async findByJob(jobId) {
      const { rows } = await pool.query<ModelRow>('SELECT * FROM models WHERE job_id = $1 ORDER BY created_at DESC LIMIT 1', [jobId])
      return rows[0] === undefined ? undefined : modelFromRow(rows[0])
    },
    async list() {
      return (await pool.query<ModelRow>('SELECT * FROM models ORDER BY created_at, id')).rows.map(modelFromRow)
    },
    async active() {
      const { rows } = await pool.query<ModelRow>('SELECT * FROM models WHERE active')
      return rows[0] === undefined ? undefined : modelFromRow(rows[0])
    },
    async activate(id) {
      return write(async (c) => {
        const m = await mustGet(c, id)
        assertReady(m)
        await c.query('UPDATE models SET active = false WHERE active')
        await c.query('UPDATE models SET active = true, updated_at = now() WHERE id = $1', [id])
        return mustGet(c, id)
      })
    },
    async deactivateAll() {
      await write((c) => c.query('UPDATE models SET active = false WHERE active'))
    },
    async setEvaluation(id, evaluation) {
      return write(async (c) => {
        await mustGet(c, id)
        await c.query('UPDATE models SET evaluation = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(evaluation)])
        return mustGet(c, id)
      })
    },
    async bindCollection(id, collection) {
      return write(async (c) => {
        await mustGet(c, id)
        await c.query('UPDATE models SET collection = $2, updated_at = now() WHERE id = $1', [id, collection])
        return mustGet(c, id)
      })
    },
    async setVoiceSamples(id, passages) {
      return write(async (c) => {
        const m = await mustGet(c, id)
        await c.query('DELETE FROM voice_samples WHERE voice_id = $1', [id])
        if (passages.length > 0) {
          await c.query(
            'INSERT INTO voice_samples (voice_id, position, text) SELECT $1, p - 1, t FROM unnest($2::text[]) WITH ORDINALITY AS x(t, p)',
            [id, [...passages]],
          )
        }
        const kind = voiceKindWith(m, passages.length)
        await c.query('UPDATE models SET kind = $2, updated_at = now() WHERE id = $1', [id, kind])
        return mustGet(c, id)
      })
    },
    async closestSamples(id, question, limit) {
      if (limit <= 0) return []
      const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])].slice(0, 32)
      // words are letters and digits only, so OR-ing them cannot inject tsquery syntax
      const hits =
        words.length === 0
          ? []
          : (
              await pool.query<{ text: string }>(
                `SELECT text FROM voice_samples WHERE voice_id = $1 AND tsv @@ to_tsquery('english', $2)
                 ORDER BY ts_rank(tsv, to_tsquery('english', $2)) DESC, position LIMIT $3`,
                [id, words.join(' | '), limit],
              )
            ).rows.map((r) => r.text)
      if (hits.length >= limit) return hits
      // A question sharing no words with the samples still gets exemplars: the style is the point.
      const { rows } = await pool.query<{ text: string }>('SELECT text FROM voice_samples WHERE voice_id = $1 ORDER BY position LIMIT $2', [
        id,
        limit + hits.length,
      ])
      return [...hits, ...rows.map((r) => r.text).filter((t) => !hits.includes(t))].slice(0, limit)
    },
    async version() {
      const { rows } = await pool.query<{ version: string }>('SELECT version FROM model_registry_version WHERE id = 1')
      return Number(rows[0]?.version ?? 0)
    },
    async close() {
      await options.onClose?.()
    },
  }
}
