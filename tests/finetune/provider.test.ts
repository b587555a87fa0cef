import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type OpenAIEmulator } from '../support/openai-emulator.js'
import { startFineTuneEmulator, type FineTuneEmulator } from '../support/openai-finetune-emulator.js'
import { createOpenAIFineTuneProvider } from '../../finetune/providers/openai-finetune-provider.js'
import { createFineTuneRunner, type FineTuneRunner } from '../../finetune/finetune-service.js'
import { createSqliteFineTuneJobStore } from '../../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { openDatabase } from '../../src/adapters/sqlite/database.js'
import type { ModelRegistry } from '../../src/core/model-registry.js'
import type { FineTuneProvider } from '../../src/core/finetune.js'
import type { WatchUpdate } from '../../finetune/providers/watch-job.js'
import { createLogger } from '../../src/logger.js'
import { AppError } from '../../src/errors.js'
import { tempDir, trainingJsonl } from './finetune-fixtures.js'

const logger = createLogger({ level: 'silent' })
const file = (name: string, text: string) => ({ name, content: new TextEncoder().encode(text) })

/** A fine-tune runner over `provider` with its job store and model registry in a temp SQLite file. */
interface SqliteFineTuning {
  readonly registry: ModelRegistry
  readonly runner: FineTuneRunner
  close(): void
}

function openSqliteFineTuning(provider: FineTuneProvider): SqliteFineTuning {
  const dir = tempDir('ft-provider')
  const db = openDatabase(path.join(dir, 'ragtune.db'))
  const registry = createSqliteModelRegistry({ db })
  return {
    registry,
    runner: createFineTuneRunner({ provider, jobs: createSqliteFineTuneJobStore({ db }), registry, logger }),
    close() {
      db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

describe('openai fine-tune provider against the emulator', () => {
  let emu: OpenAIEmulator
  let ft: FineTuneEmulator
  let provider: FineTuneProvider
  let store: SqliteFineTuning

  beforeAll(async () => {
    ;({ emu, ft } = await startFineTuneEmulator())
    provider = createOpenAIFineTuneProvider({ apiKey: 'sk-test', baseURL: emu.url, timeoutMs: 10_000, maxRetries: 0, logger })
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    store = openSqliteFineTuning(provider)
    ft.available = true
    ft.advanceOnPoll = false
  })
  afterEach(() => store.close())

  const collect = async (gen: AsyncGenerator<WatchUpdate, unknown>): Promise<WatchUpdate[]> => {
    const out: WatchUpdate[] = []
    for await (const u of gen) out.push(u)
    return out
  }

  it('runs a job through every state to succeeded, then registers the tuned model, servable by chat', async () => {
    const job = await store.runner.start({
      baseModel: 'gpt-4o-mini-2024-07-18',
      training: file('train.jsonl', trainingJsonl()),
      validation: file('validation.jsonl', trainingJsonl(3)),
      suffix: 'buffett',
      epochs: 2,
      seed: 7,
      name: 'buffett-ft',
    })
    expect(job.status).toBe('validating_files')
    expect(job.datasetHash).toMatch(/^[0-9a-f]{64}$/)
    // Listed while it trains, never served: the resolver only sees ready models.
    expect(await store.registry.get('buffett-ft')).toMatchObject({ status: 'training', model: null, jobId: job.id })
    const created = ft.jobs.get(job.id)!.job
    expect(created.method.supervised.hyperparameters.n_epochs).toBe(2)
    expect(created.seed).toBe(7)
    expect(created.validation_file).toBe(job.validationFileId)

    ft.advanceOnPoll = true
    const updates = await collect(store.runner.watch(job.id, { pollMs: 0 }))
    const statuses = updates.flatMap((u) => (u.type === 'status' ? [u.job.status] : []))
    expect(statuses).toEqual(['queued', 'running', 'succeeded'])
    const steps = updates.flatMap((u) => (u.type === 'event' && u.event.step !== undefined ? [u.event.step] : []))
    expect(steps).toEqual([1, 2, 3])
    const messages = updates.flatMap((u) => (u.type === 'event' ? [u.event.message] : []))
    expect(messages[0]).toContain('Created fine-tuning job')
    expect(new Set(messages).size).toBe(messages.length)

    const stored = await store.runner.get(job.id)
    expect(stored.status).toBe('succeeded')
    expect(stored.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:emulator-org:buffett:[0-9a-f]{8}$/)
    const model = await store.registry.get('buffett-ft')
    expect(model).toMatchObject({
      provider: 'openai',
      model: stored.fineTunedModel,
      baseModel: 'gpt-4o-mini-2024-07-18',
      status: 'ready',
      jobId: job.id,
      kind: 'fine-tuned',
      active: false,
    })
    expect(emu.state.models.has(stored.fineTunedModel!)).toBe(true)
  })

  it('reports a failed job with the provider error; nothing servable is registered', async () => {
    ft.scriptNext({ outcome: 'failed', failDuring: 'running', error: { code: 'training_diverged', message: 'Training loss diverged.' } })
    const job = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl()) })
    ft.scriptNext({ outcome: 'failed', failDuring: 'validating_files' })
    const named = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl()), name: 'doomed' })
    ft.drain()
    const done = await store.runner.get(job.id)
    expect(done.status).toBe('failed')
    expect(done.error).toEqual({ code: 'training_diverged', message: 'Training loss diverged.' })
    expect((await store.runner.get(named.id)).error?.code).toBe('server_error')
    expect(await store.registry.list()).toMatchObject([{ id: 'doomed', status: 'failed', model: null, jobId: named.id }])
    const events = await provider.events(job.id)
    expect(events.at(-1)).toMatchObject({ level: 'error', message: 'Training loss diverged.' })
  })

  it('fails a structurally invalid training file while validating files', async () => {
    const job = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl(4)) })
    ft.tick()
    const done = await store.runner.get(job.id)
    expect(done.status).toBe('failed')
    expect(done.error?.code).toBe('invalid_training_file')
    expect(done.error?.message).toContain('at least 10 examples')
  })

  it('cancels a running job; cancelling again is refused with a clear error', async () => {
    const job = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl()) })
    ft.tick(3)
    expect((await store.runner.get(job.id)).status).toBe('running')
    const cancelled = await store.runner.cancel(job.id)
    expect(cancelled.status).toBe('cancelled')
    ft.drain()
    expect((await store.runner.get(job.id)).status).toBe('cancelled')
    const again = await store.runner.cancel(job.id).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(AppError)
    expect((again as AppError).code).toBe('finetune_not_cancellable')
  })

  it('translates API refusals into clear errors', async () => {
    // what start() throws when the API refuses the job
    const refused = async (baseModel: string, training = trainingJsonl()) =>
      (await store.runner.start({ baseModel, training: file('train.jsonl', training) }).catch((e: unknown) => e)) as AppError
    ft.available = false
    const denied = await refused('gpt-4o-mini')
    expect(denied.code).toBe('finetune_not_available')
    expect(denied.message).toContain('not available to this organisation')
    expect(denied.message).toContain('ragtune finetune export')
    ft.available = true

    const unknown = await refused('gpt-9-ultra')
    expect(unknown.code).toBe('finetune_model_unavailable')
    expect(unknown.message).toContain('gpt-9-ultra is not available for fine-tuning')

    const notJson = await refused('gpt-4o-mini', '{"messages": [\nnot json\n')
    expect(notJson.code).toBe('finetune_invalid_file')
    expect(notJson.message).toContain('Line 1 is not valid JSON')

    const missing = (await store.runner.get('ftjob-doesnotexist').catch((e: unknown) => e)) as AppError
    expect(missing.code).toBe('finetune_not_found')
    expect(missing.status).toBe(404)
  })

  it('keeps watching through transient upstream failures, and gives up on persistent ones', async () => {
    const job = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl()) })
    ft.advanceOnPoll = true
    emu.failNext({ path: job.id, status: 503 }, 2)
    const retries: number[] = []
    const updates = await collect(store.runner.watch(job.id, { pollMs: 0, onRetry: (_e, n) => retries.push(n) }))
    expect(retries).toEqual([1, 2])
    expect(updates.at(-1)).toMatchObject({ type: 'status', job: { status: 'succeeded' } })

    const next = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl()) })
    emu.failNext({ path: next.id, status: 500 }, 3)
    const err = await collect(store.runner.watch(next.id, { pollMs: 0, maxFailures: 2 })).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'upstream_error', retryable: true })
    emu.state.faults.length = 0
  })

  it('pages through more events than one page holds, oldest first', async () => {
    ft.scriptNext({ steps: 130 })
    const job = await store.runner.start({ baseModel: 'gpt-4o-mini', training: file('train.jsonl', trainingJsonl()) })
    ft.drain()
    const events = await provider.events(job.id)
    const steps = events.flatMap((e) => (e.step === undefined ? [] : [e.step]))
    expect(steps).toEqual(Array.from({ length: 130 }, (_, i) => i + 1))
    const later = await provider.events(job.id, events.at(-3)!.id)
    expect(later.map((e) => e.id)).toEqual(events.slice(-2).map((e) => e.id))
  })
})
