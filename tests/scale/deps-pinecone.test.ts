import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'

// RAGTUNE_VECTOR_STORE=pinecone without DATABASE_URL: one machine, registry in the local SQLite file,
// BM25-only (no model) on a sparse Pinecone index, answered extractively over HTTP.
let emu: PineconeEmulator
let dir: string
let deps: AppDeps
let app: FastifyInstance

beforeAll(async () => {
  emu = await startPineconeEmulator({ lagMs: 40 })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-deps-pc-'))
  const config = loadConfig(
    {
      RAGTUNE_VECTOR_STORE: 'pinecone',
      PINECONE_API_KEY: emu.apiKey,
      PINECONE_INDEX: emu.indexName,
      PINECONE_CONTROLLER_HOST: emu.controllerUrl,
      RAGTUNE_INGEST_WORKERS: '1',
      LOG_LEVEL: 'silent',
    },
    { dataDir: dir },
  )
  deps = await buildDeps(config, pino({ level: 'silent' }))
  app = await buildApp(deps)
})

afterAll(async () => {
  await app?.close()
  if (deps !== undefined) await closeDeps(deps)
  await emu?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('composition root with RAGTUNE_VECTOR_STORE=pinecone and no DATABASE_URL', () => {
  it('ingests into Pinecone + the SQLite registry and answers from it over HTTP', async () => {
    expect(deps.corpus.kind).toBe('pinecone+sqlite')
    const file = path.join(dir, 'widget-2024-annual-report.txt')
    fs.writeFileSync(
      file,
      'Widget Inc Annual Report 2024\n\nThe company repurchased 12 million shares of common stock during fiscal 2024.\n\nRevenue was flat.',
    )
    const { results } = await ingestPaths(deps.ingest!, [file], { documentId: 'widget-2024' })
    expect(results[0]).toMatchObject({ status: 'ingested', version: 1 })
    expect(emu.visibleRecords('default').map((r) => r.id)[0]).toMatch(/^widget-2024#1#/)
    const res = await app.inject({ method: 'POST', url: '/v1/ask', payload: { question: 'How many shares were repurchased?' } })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json<{ mode: string; citations: { documentId: string; version: number }[]; answer: string }>()
    expect(body.mode).toBe('extractive')
    expect(body.citations[0]).toMatchObject({ documentId: 'widget-2024', version: 1 })
    expect(body.answer).toContain('12 million')
  })
})
