import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { createRegistryVoiceResolver } from '../../src/core/registry-voice-resolver.js'
import { createAnswerer } from '../../src/core/answer/answerer.js'
import { createOpenAIChat, createChatModelFactory } from '../../src/adapters/openai-chat.js'
import type { ModelRegistry, NewModel } from '../../src/core/model-registry.js'
import type { Retriever } from '../../src/core/retrieval/retriever.js'
import { AppError } from '../../src/errors.js'
import { createLogger } from '../../src/logger.js'
import { startOpenAIEmulator, type ChatCompletionBody, type OpenAIEmulator } from '../support/openai-emulator.js'
import { tempDir } from './finetune-fixtures.js'

const tuned = (id: string, model: string | null, extra: Partial<NewModel> = {}): NewModel => ({
  id,
  provider: 'openai',
  model,
  baseModel: 'gpt-4o-mini',
  baseURL: null,
  datasetHash: null,
  jobId: null,
  status: 'ready',
  ...extra,
})

describe('sqlite model registry', () => {
  let dir: string
  let dbPath: string
  let registry: ModelRegistry
  beforeEach(() => {
    dir = tempDir('registry')
    dbPath = path.join(dir, 'ragtune.db')
    registry = createSqliteModelRegistry({ path: dbPath })
  })
  afterEach(async () => {
    await registry.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('keeps one active model, refuses unknown or unready ones, and bumps its version on every write', async () => {
    const v0 = await registry.version()
    await registry.upsert(tuned('a', 'ft:gpt-4o-mini:org:a:1'))
    await registry.upsert(tuned('b', 'ft:gpt-4o-mini:org:b:2'))
    await registry.upsert(tuned('training', null, { status: 'training' }))
    expect(await registry.version()).toBeGreaterThan(v0)
    await registry.activate('a')
    await registry.activate('b')
    expect((await registry.list()).filter((m) => m.active).map((m) => m.id)).toEqual(['b'])
    expect((await registry.active())?.id).toBe('b')
    await expect(registry.activate('nope')).rejects.toMatchObject({ code: 'model_not_found', status: 404 })
    await expect(registry.activate('training')).rejects.toMatchObject({ code: 'model_not_ready' })
    // An update keeps the active flag, and the evaluation only while it still measures the same model.
    await registry.setEvaluation('b', { evaluatedAt: 'x', prompts: 3, voiceScore: { base: 0.4, tuned: 0.7 }, flags: { base: 1, tuned: 1 } })
    expect(await registry.upsert(tuned('b', 'ft:gpt-4o-mini:org:b:2', { datasetHash: 'h' }))).toMatchObject({ active: true, datasetHash: 'h', evaluation: { prompts: 3 } })
    const updated = await registry.upsert(tuned('b', 'ft:gpt-4o-mini:org:b:3'))
    expect(updated).toMatchObject({ active: true, model: 'ft:gpt-4o-mini:org:b:3', evaluation: null })
  })

  it('returns the voice samples closest to the question by BM25, and some samples for an unrelated question', async () => {
    await registry.upsert(tuned('buffett', null, { provider: 'prompted', kind: 'prompted' }))
    const passages = [
      'Our insurance float grew again; float is money we hold but do not own.',
      'Railroads are capital intensive, and BNSF spends heavily on track.',
      'Charlie and I never buy a business we do not understand.',
      'Share repurchases make sense only when the price is below intrinsic value.',
    ]
    const m = await registry.setVoiceSamples('buffett', passages)
    expect(m.kind).toBe('prompted')
    expect(await registry.closestSamples('buffett', 'How did the insurance float change?', 1)).toEqual([passages[0]])
    expect((await registry.closestSamples('buffett', 'When are repurchases sensible?', 2))[0]).toBe(passages[3])
    expect(await registry.closestSamples('buffett', 'zzz qqq', 2)).toHaveLength(2)
    expect(await registry.closestSamples('other', 'insurance float', 3)).toEqual([])
    // Attaching samples to a fine-tuned model makes it both.
    await registry.upsert(tuned('ft', 'ft:x'))
    expect((await registry.setVoiceSamples('ft', passages)).kind).toBe('prompted+fine-tuned')
  })

  it('the resolver maps requested, active and prompted voices to a selection', async () => {
    const resolver = createRegistryVoiceResolver({ registry, chatModel: 'gpt-4o-mini', exemplars: 2 })
    expect(await resolver.resolve(undefined, 'q')).toEqual({ voiceId: null, model: 'gpt-4o-mini', exemplars: [] })
    await registry.upsert(tuned('adapter', 'buffett-lora', { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' }))
    await registry.upsert(tuned('prompted', null, { provider: 'prompted', kind: 'prompted' }))
    await registry.setVoiceSamples('prompted', ['Float is money we hold.', 'Railroads need track.', 'Buy wonderful businesses.'])
    expect(await resolver.resolve('adapter', 'q')).toEqual({ voiceId: 'adapter', model: 'buffett-lora', endpoint: { baseURL: 'http://127.0.0.1:9/v1' }, exemplars: [] })
    const p = await resolver.resolve('prompted', 'what is float?')
    expect(p).toMatchObject({ voiceId: 'prompted', model: 'gpt-4o-mini' })
    expect(p.exemplars[0]).toBe('Float is money we hold.')
    expect(p.exemplars).toHaveLength(2)
    expect(await resolver.resolve('gpt-4o-mini', 'q')).toMatchObject({ voiceId: null })
    const err = await resolver.resolve('nobody', 'q').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('unknown_model')
    expect((await resolver.list()).map((v) => v.id).sort()).toEqual(['adapter', 'prompted'])
  })
})

describe('activation reaches the answer pipeline on the next request, with no restart', () => {
  let emu: OpenAIEmulator
  let dir: string
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ apiKey: 'sk-test', models: ['gpt-4o-mini', 'ft:gpt-4o-mini:org:buffett:abc'] })
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    dir = tempDir('activation')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('a second store handle (the CLI) activates; the serving handle answers with the new model next', async () => {
    const dbPath = path.join(dir, 'ragtune.db')
    const serving = createSqliteModelRegistry({ path: dbPath })
    const cli = createSqliteModelRegistry({ path: dbPath })
    const seen: ChatCompletionBody[] = []
    emu.setResponder((body) => {
      seen.push(body)
      return 'Float grew to 1 billion [1].'
    })
    const retriever: Retriever = {
      async retrieve() {
        return {
          sources: [{ documentId: 'brk-2020', version: 1, meta: { title: 'Berkshire 2020 letter' }, pageStart: 3, pageEnd: 3, sectionPath: [], text: 'Insurance float grew to 1 billion dollars.', ordinals: [0], score: 1 }],
          route: {},
          timings: { totalMs: 0, keywordMs: 0, vectorMs: 0 },
        }
      },
    }
    const chatOptions = { model: 'gpt-4o-mini', timeoutMs: 10_000, maxRetries: 0 }
    const answerer = createAnswerer({
      retriever,
      chat: createOpenAIChat({ ...chatOptions, baseURL: emu.url, apiKey: 'sk-test' }),
      chatFor: createChatModelFactory(chatOptions),
      voices: createRegistryVoiceResolver({ registry: serving, chatModel: 'gpt-4o-mini' }),
      logger: createLogger({ level: 'silent' }),
    })
    try {
      const before = await answerer.ask('How much float?')
      expect(before.model).toBe('gpt-4o-mini')
      expect(before.voice).toBeNull()

      await cli.upsert(tuned('buffett', 'ft:gpt-4o-mini:org:buffett:abc'))
      await cli.activate('buffett')
      const after = await answerer.ask('How much float?')
      expect(seen.at(-1)?.model).toBe('ft:gpt-4o-mini:org:buffett:abc')
      expect(after.voice).toBe('buffett')

      await cli.upsert(tuned('styled', null, { provider: 'prompted', kind: 'prompted' }))
      await cli.setVoiceSamples('styled', ['We measure float by what it costs us.'])
      await cli.activate('styled')
      const styled = await answerer.ask('How much float?')
      expect(styled.voice).toBe('styled')
      expect(seen.at(-1)?.model).toBe('gpt-4o-mini')
      const prompt = JSON.stringify(seen.at(-1)?.messages)
      expect(prompt).toContain('We measure float by what it costs us.')
    } finally {
      await serving.close()
      await cli.close()
    }
  })
})
