import type { ModelRegistry, NewModel, RegisteredModel, VoiceKind } from '../../core/model-registry.js'
import { assertReady, modelFromRow, modelNotFound, voiceKindWith, type ModelRow } from '../model-row.js'
import { applyMigrations, openDatabase, type Db } from './database.js'
import { createChangeWatch } from './change-watch.js'
import { buildFtsMatch } from './fts-query.js'
import { STOP_WORDS } from '../../core/retrieval/stop-words.js'

const migrations = [
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
    evaluation_json TEXT,
    active INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX models_one_active ON models(active) WHERE active = 1;
  CREATE INDEX models_job ON models(job_id);
  CREATE TABLE model_registry_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
  INSERT INTO model_registry_version (id, version) VALUES (1, 0);
  CREATE VIRTUAL TABLE voice_samples USING fts5(voice_id UNINDEXED, text, tokenize = 'porter unicode61');`,
  // a voice bound to a collection answers from it by default
  'ALTER TABLE models ADD COLUMN collection TEXT',
]

/**
 * Registry tables in the store file; `db` shares an open handle, `path` opens one of its own. An evaluation
 * belongs to the model it measured: pointing an id at another model or endpoint clears it.
 *
 * `version()` is asked on every request: the counter is read again only after a write in this process, or
 * once `checkMs` (default 50) have passed, so an activation by another process applies within that bound.
 */
export function createSqliteModelRegistry(options: ({ db: Db } | { path: string }) & { checkMs?: number }): ModelRegistry {
  const owned = !('db' in options)
  const db = 'db' in options ? options.db : openDatabase(options.path)
  const watch = createChangeWatch('db' in options ? options.db.name : options.path, options.checkMs ?? 50)
  let version = 0
  applyMigrations(db, 'model-registry', migrations)

  const getRow = db.prepare<[string], ModelRow>('SELECT * FROM models WHERE id = ?')
  const bump = db.prepare('UPDATE model_registry_version SET version = version + 1 WHERE id = 1')
  // Read by the voice resolver (see `version()`): prepared once.
  const readVersion = db.prepare<[], { version: number }>('SELECT version FROM model_registry_version WHERE id = 1')
  const closest = db.prepare<[string, string, number], { text: string }>(
    'SELECT text FROM voice_samples WHERE voice_samples MATCH ? AND voice_id = ? ORDER BY bm25(voice_samples) LIMIT ?',
  )
  const firstSamples = db.prepare<[string, number], { text: string }>(
    'SELECT text FROM voice_samples WHERE voice_id = ? ORDER BY rowid LIMIT ?',
  )
  const now = (): string => new Date().toISOString()
  const mustGet = (id: string): RegisteredModel => {
    const row = getRow.get(id)
    if (row === undefined) throw modelNotFound(id)
    return modelFromRow(row)
  }
  const write = <T>(fn: () => T): T => {
    try {
      return db
        .transaction(() => {
          const out = fn()
          bump.run()
          return out
        })
        .immediate()
    } finally {
      watch.wrote()
    }
  }

  return {
    async upsert(m: NewModel) {
      return write(() => {
        const existing = getRow.get(m.id)
        const kind = m.kind ?? (existing?.kind as VoiceKind | undefined) ?? 'fine-tuned'
        db.prepare(
          `INSERT INTO models (id, provider, model, base_model, base_url, dataset_hash, job_id, status, kind, created_at, updated_at)
           VALUES (@id, @provider, @model, @baseModel, @baseURL, @datasetHash, @jobId, @status, @kind, @now, @now)
           ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, model = excluded.model, base_model = excluded.base_model,
             base_url = excluded.base_url, dataset_hash = excluded.dataset_hash, job_id = excluded.job_id,
             status = excluded.status, kind = excluded.kind, updated_at = excluded.updated_at,
             evaluation_json = CASE WHEN models.model IS excluded.model AND models.base_url IS excluded.base_url
               THEN models.evaluation_json ELSE NULL END`,
        ).run({
          id: m.id,
          provider: m.provider,
          model: m.model,
          baseModel: m.baseModel,
          baseURL: m.baseURL,
          datasetHash: m.datasetHash,
          jobId: m.jobId,
          status: m.status,
          kind,
          now: now(),
        })
        return mustGet(m.id)
      })
    },
    async get(id) {
      const row = getRow.get(id)
      return row === undefined ? undefined : modelFromRow(row)
    },
    async findByJob(jobId) {
      const row = db.prepare<[string], ModelRow>('SELECT * FROM models WHERE job_id = ? ORDER BY created_at DESC LIMIT 1').get(jobId)
      return row === undefined ? undefined : modelFromRow(row)
    },
    async list() {
      return db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY created_at, id').all().map(modelFromRow)
    },
    async active() {
      const row = db.prepare<[], ModelRow>('SELECT * FROM models WHERE active = 1').get()
      return row === undefined ? undefined : modelFromRow(row)
    },
    async activate(id) {
      return write(() => {
        const m = mustGet(id)
        assertReady(m)
        db.prepare('UPDATE models SET active = 0 WHERE active = 1').run()
        db.prepare('UPDATE models SET active = 1, updated_at = ? WHERE id = ?').run(now(), id)
        return mustGet(id)
      })
    },
    async deactivateAll() {
      write(() => db.prepare('UPDATE models SET active = 0 WHERE active = 1').run())
    },
    async setEvaluation(id, evaluation) {
      return write(() => {
        mustGet(id)
        db.prepare('UPDATE models SET evaluation_json = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(evaluation), now(), id)
        return mustGet(id)
      })
    },
    async bindCollection(id, collection) {
      return write(() => {
        mustGet(id)
        db.prepare('UPDATE models SET collection = ?, updated_at = ? WHERE id = ?').run(collection, now(), id)
        return mustGet(id)
      })
    },
    async setVoiceSamples(id, passages) {
      return write(() => {
        const m = mustGet(id)
        db.prepare('DELETE FROM voice_samples WHERE voice_id = ?').run(id)
        const insert = db.prepare('INSERT INTO voice_samples (voice_id, text) VALUES (?, ?)')
        for (const p of passages) insert.run(id, p)
        const kind = voiceKindWith(m, passages.length)
        db.prepare('UPDATE models SET kind = ?, updated_at = ? WHERE id = ?').run(kind, now(), id)
        return mustGet(id)
      })
    },
    async closestSamples(id, question, limit) {
      if (limit <= 0) return []
      // Function words match nearly every passage and only slow the ranking down.
      const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])].filter((w) => !STOP_WORDS.has(w)).slice(0, 32)
      const match = buildFtsMatch(words, [])
      const hits = match === undefined ? [] : closest.all(match, id, limit).map((r) => r.text)
      if (hits.length >= limit) return hits
      // A question sharing no words with the samples still gets exemplars: the style is the point.
      const rest = firstSamples
        .all(id, limit + hits.length)
        .map((r) => r.text)
        .filter((t) => !hits.includes(t))
      return [...hits, ...rest].slice(0, limit)
    },
    async version() {
      if (watch.due()) version = readVersion.get()?.version ?? 0
      return version
    },
    async close() {
      if (owned) db.close()
    },
  }
}
