import fs from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { buildApp } from '../../src/app.js'
import { buildDeps, closeDeps, type BuiltDeps } from '../../src/deps.js'
import { openFineTuneService } from '../../finetune/finetune-composition.js'
import { type ChatCompletionBody, type OpenAIEmulator } from '../support/openai-emulator.js'
import { startFineTuneEmulator, type FineTuneEmulator } from '../support/openai-finetune-emulator.js'
import { doc } from '../http/answer-harness.js'
import { tempDir, trainingJsonl } from './finetune-fixtures.js'

// The server as `ragtune serve` composes it (src/deps.ts + finetune composition), against the emulator.
describe('POST/GET /v1/finetunes and POST /v1/models/:id/activate', () => {
  let emu: OpenAIEmulator
  let ft: FineTuneEmulator
  let dir: string
  let deps: BuiltDeps
  let finetune: ReturnType<typeof openFineTuneService>
  let app: FastifyInstance
  let admin: string
  let query: string
  const chats: ChatCompletionBody[] = []

  beforeAll(async () => {
    ;({ emu, ft } = await startFineTuneEmulator())
    emu.setResponder((body) => {
      chats.push(body)
      return 'The letters speak for themselves [1].'
    })
    dir = tempDir('ft-http')
    const config = loadConfig({
      RAGTUNE_DATA_DIR: dir,
      OPENAI_BASE_URL: emu.url,
      OPENAI_API_KEY: 'sk-test',
      RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
    })
    const logger = createLogger({ level: 'silent' })
    deps = await buildDeps(config, logger)
    await deps.corpus.commitVersion(
      doc('brk-2020', ['Berkshire Hathaway 2020 letter. Our owners are partners; we run the business for them over decades.'], {
        title: 'Berkshire 2020 letter',
        company: 'Berkshire Hathaway',
        fiscalYear: 2020,
        docType: 'letter',
      }),
    )
    admin = (await deps.keys.create({ scope: 'admin', name: 'ops' })).key
    query = (await deps.keys.create({ scope: 'query', name: 'chat' })).key
    // Background followers poll quickly here; the emulator's clock still moves only when the test ticks it.
    finetune = openFineTuneService(deps, { pollMs: 20 })
    app = await buildApp({ ...deps, finetunes: finetune.service })
  })
  afterAll(async () => {
    await app?.close()
    await finetune?.close()
    if (deps !== undefined) await closeDeps(deps)
    await emu?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const as = (key: string) => ({ authorization: `Bearer ${key}` })
  /** POST /v1/finetunes with this body, as `key` (null: with no key) */
  const postFineTune = (payload: object, key: string | null = admin) =>
    app.inject({ method: 'POST', url: '/v1/finetunes', headers: key === null ? {} : as(key), payload })

  it('starts a job, reports it through to succeeded, and activation switches the answering model on the next request', async () => {
    const started = await postFineTune({
      baseModel: 'gpt-4o-mini-2024-07-18',
      training: trainingJsonl(),
      validation: trainingJsonl(10),
      suffix: 'buffett',
      name: 'buffett',
      epochs: 2,
    })
    expect(started.statusCode).toBe(202)
    const job = started.json()
    expect(job).toMatchObject({ provider: 'openai', status: 'validating_files', voiceName: 'buffett', fineTunedModel: null })
    expect(job.lastEventId).toBeUndefined()
    expect(started.headers.location).toBe(`/v1/finetunes/${job.id}`)

    ft.tick(2)
    expect((await app.inject({ url: `/v1/finetunes/${job.id}`, headers: as(admin) })).json().status).toBe('running')
    ft.drain()
    const done = (await app.inject({ url: `/v1/finetunes/${job.id}`, headers: as(admin) })).json()
    expect(done.status).toBe('succeeded')
    expect(done.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:emulator-org:buffett:/)
    const list = (await app.inject({ url: '/v1/finetunes', headers: as(admin) })).json()
    expect(list.finetunes.map((j: { id: string }) => j.id)).toEqual([job.id])

    const ask = async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/ask',
        headers: as(query),
        payload: { question: 'What do the letters say about owners?' },
      })
      expect(res.statusCode).toBe(200)
      return res.json<{ voice: string | null; model: string | null }>()
    }
    await ask()
    expect(chats.at(-1)?.model).toBe('gpt-4o-mini')
    const models = (await app.inject({ url: '/v1/models', headers: as(query) })).json()
    expect(models.data.map((m: { id: string }) => m.id)).toContain('buffett')

    const activated = await app.inject({ method: 'POST', url: '/v1/models/buffett/activate', headers: as(admin), payload: {} })
    expect(activated.statusCode).toBe(200)
    expect(activated.json()).toEqual({ id: 'buffett', active: true })
    const answer = await ask()
    expect(chats.at(-1)?.model).toBe(done.fineTunedModel)
    expect(answer.voice).toBe('buffett')
  })

  it('follows a job started over HTTP in the background and registers its model without being asked', async () => {
    const started = await postFineTune({ baseModel: 'gpt-4o-mini', training: trainingJsonl(), name: 'unattended' })
    expect(started.statusCode).toBe(202)
    ft.drain()
    await vi.waitFor(
      async () => {
        const models = (await app.inject({ url: '/v1/models', headers: as(query) })).json<{ data: { id: string }[] }>()
        expect(models.data.map((m) => m.id)).toContain('unattended')
      },
      { timeout: 20_000, interval: 50 },
    )
  })

  it('cancels a job over HTTP; a second cancel is a 409', async () => {
    const started = (await postFineTune({ baseModel: 'gpt-4o-mini', training: trainingJsonl() })).json<{ id: string }>()
    const cancelled = await app.inject({ method: 'POST', url: `/v1/finetunes/${started.id}/cancel`, headers: as(admin) })
    expect(cancelled.statusCode).toBe(200)
    expect(cancelled.json()).toMatchObject({ id: started.id, status: 'cancelled' })
    const again = await app.inject({ method: 'POST', url: `/v1/finetunes/${started.id}/cancel`, headers: as(admin) })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('finetune_not_cancellable')
  })

  it('answers bad requests with stable codes', async () => {
    const noKey = await postFineTune({ baseModel: 'gpt-4o-mini', training: trainingJsonl() }, null)
    expect(noKey.statusCode).toBe(401)
    const wrongScope = await postFineTune({ baseModel: 'gpt-4o-mini', training: trainingJsonl() }, query)
    expect(wrongScope.statusCode).toBe(403)
    const activateAsQuery = await app.inject({ method: 'POST', url: '/v1/models/buffett/activate', headers: as(query), payload: {} })
    expect(activateAsQuery.statusCode).toBe(403)

    const missing = await postFineTune({ training: trainingJsonl() })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error.code).toBe('invalid_request')

    const invalid = await postFineTune({ baseModel: 'gpt-4o-mini', training: '{"messages": []}\n' })
    expect(invalid.statusCode).toBe(400)
    expect(invalid.json().error.code).toBe('invalid_dataset')

    const unknownModel = await postFineTune({ baseModel: 'gpt-9', training: trainingJsonl() })
    expect(unknownModel.statusCode).toBe(400)
    expect(unknownModel.json().error.code).toBe('finetune_model_unavailable')

    ft.available = false
    const denied = await postFineTune({ baseModel: 'gpt-4o-mini', training: trainingJsonl() })
    ft.available = true
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.message).toContain('not available to this organisation')

    const unknownJob = await app.inject({ url: '/v1/finetunes/ftjob-nope', headers: as(admin) })
    expect(unknownJob.statusCode).toBe(404)
    expect(unknownJob.json().error.code).toBe('finetune_not_found')
    const unknownVoice = await app.inject({ method: 'POST', url: '/v1/models/nobody/activate', headers: as(admin), payload: {} })
    expect(unknownVoice.statusCode).toBe(404)
    expect(unknownVoice.json().error.code).toBe('model_not_found')
  })
})
