import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Env } from '../../src/config.js'
import { buildDeps, closeDeps, type BuiltDeps } from '../../src/deps.js'
import { openFineTuneService, type FineTuneServiceHandle } from '../../finetune/finetune-composition.js'
import type { OpenAIEmulator } from '../support/openai-emulator.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { freshSchema } from './scale-fixtures.js'

/** One API replica as `ragtune serve` composes it: src/deps.ts, plus fine-tuning when asked for. */
export interface Replica {
  readonly deps: BuiltDeps
  readonly app: FastifyInstance
  readonly dataDir: string
  readonly finetune?: FineTuneServiceHandle
  close(): Promise<void>
}

/** The configuration of a scaled deployment: PostgreSQL (a test schema), Pinecone and OpenAI (emulators). */
export function scaledEnv(db: Awaited<ReturnType<typeof freshSchema>>, pinecone: PineconeEmulator, openai: OpenAIEmulator): Env {
  return {
    RAGTUNE_VECTOR_STORE: 'pinecone',
    PINECONE_API_KEY: pinecone.apiKey,
    PINECONE_INDEX: pinecone.indexName,
    PINECONE_CONTROLLER_HOST: pinecone.controllerUrl,
    PINECONE_NAMESPACE: 'acme-corp',
    DATABASE_URL: `${db.url}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openai.url,
    RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
    RAGTUNE_INGEST_WORKERS: '1',
    LOG_LEVEL: 'silent',
  }
}

export async function startReplica(name: string, env: Env, options: { fineTunePollMs?: number } = {}): Promise<Replica> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `ragtune-${name}-`))
  const deps = await buildDeps(loadConfig(env, { dataDir }), pino({ level: 'silent' }))
  const finetune = options.fineTunePollMs === undefined ? undefined : openFineTuneService(deps, { pollMs: options.fineTunePollMs })
  const app = await buildApp(finetune === undefined ? deps : { ...deps, finetunes: finetune.service })
  return {
    deps,
    app,
    dataDir,
    ...(finetune === undefined ? {} : { finetune }),
    async close() {
      await app.close()
      await finetune?.close()
      await closeDeps(deps)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Replicas A and B of one scaled deployment: a fresh PostgreSQL schema and a Pinecone emulator they share, OpenAI through `openai`. */
export interface ReplicaPair {
  readonly pinecone: PineconeEmulator
  readonly a: Replica
  readonly b: Replica
  /** closes both replicas and the Pinecone emulator, and drops the schema (`openai` stays the caller's) */
  close(): Promise<void>
}

export async function startReplicaPair(
  openai: OpenAIEmulator,
  options: { pineconeLagMs: number; fineTunePollMs?: number },
): Promise<ReplicaPair> {
  const db = await freshSchema()
  await db.pool()
  const pinecone = await startPineconeEmulator({ lagMs: options.pineconeLagMs })
  const env = scaledEnv(db, pinecone, openai)
  const replica = options.fineTunePollMs === undefined ? {} : { fineTunePollMs: options.fineTunePollMs }
  const a = await startReplica('a', env, replica)
  const b = await startReplica('b', env, replica)
  return {
    pinecone,
    a,
    b,
    async close() {
      for (const r of [a, b]) await r.close()
      await pinecone.close()
      await db.drop()
    },
  }
}
