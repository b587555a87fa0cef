import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { createRegistryVoiceResolver } from '../../src/core/answer/registry-voice-resolver.js'
import { createAnswerer } from '../../src/core/answer/answerer.js'
import { createOpenAIChat, createChatModelFactory } from '../../src/adapters/openai-chat.js'
import type { ModelRegistry } from '../../src/core/model-registry.js'
import { tuned } from '../contracts/model-registry-contract.js'
import type { Retriever } from '../../src/core/retrieval/retriever.js'
import { AppError } from '../../src/errors.js'
import { createLogger } from '../../src/logger.js'
import { startOpenAIEmulator, type ChatCompletionBody, type OpenAIEmulator } from '../support/openai-emulator.js'
import { tempDir } from './finetune-fixtures.js'

// Store behaviour is the contract suite (tests/contracts/model-registry-contract.ts); here, the resolver on top.
describe('registry-backed voice resolver', () => {
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

  it('the resolver maps requested, active and prompted voices to a selection', async () => {
    const resolver = createRegistryVoiceResolver({ registry, chatModel: 'gpt-4o-mini', exemplars: 2 })
    expect(await resolver.resolve(undefined, 'q')).toEqual({ voiceId: null, model: 'gpt-4o-mini', exemplars: [] })
    await registry.upsert(tuned('adapter', 'buffett-lora', { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' }))
    await registry.upsert(tuned('prompted', null, { provider: 'prompted', kind: 'prompted' }))
    await registry.setVoiceSamples('prompted', ['Float is money we hold.', 'Railroads need track.', 'Buy wonderful businesses.'])
    expect(await resolver.resolve('adapter', 'q')).toEqual({
      voiceId: 'adapter',
      model: 'buffett-lora',
      endpoint: { baseURL: 'http://127.0.0.1:9/v1' },
      exemplars: [],
    })
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
          sources: [
            {
              documentId: 'brk-2020',
              version: 1,
              meta: { title: 'Berkshire 2020 letter' },
              pageStart: 3,
              pageEnd: 3,
              sectionPath: [],
              text: 'Insurance float grew to 1 billion dollars.',
              ordinals: [0],
              score: 1,
            },
          ],
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
