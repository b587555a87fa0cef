import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { createOpenAIChat } from '../../src/adapters/openai-chat.js'
import { evaluateVoiceModel, factLockFlags, parseHeldOutPrompts, type VoiceScorer } from '../../finetune/registry/evaluate-voice-model.js'
import { capture, tempDir, writeFile } from './finetune-fixtures.js'

const VOICE = [
  'Charlie and I have always believed that our owners deserve to hear the bad news first.',
  'We would rather own a wonderful business at a fair price than a fair business at a wonderful price.',
  'Our insurance float, which costs us less than nothing, remains the engine of Berkshire.',
  'In the long run, the market is a weighing machine, however loudly it votes in the short run.',
  'We never forget that we are managing the savings of partners who trust us with them.',
  'Managers who think like owners are rare, and we treasure the ones we have.',
]
const CONTRAST = [
  'Customer obsession remains the heart of everything we do at Amazon, and it is still Day 1.',
  'We will continue to make bold bets, and some of them will fail, and that is fine.',
  'High standards are teachable, and teams that raise the bar deliver for customers faster.',
  'We measure ourselves by free cash flow per share and by the delight of our customers.',
  'Invention requires a willingness to be misunderstood for long periods of time.',
  'Our platform lets sellers, developers and creators reach customers around the world.',
]
const essay = (pool: readonly string[], seed: number): string =>
  Array.from({ length: 8 }, (_, p) => Array.from({ length: 7 }, (_, i) => pool[(seed * 7 + p * 3 + i * 5) % pool.length]).join(' ')).join(
    '\n\n',
  )

const letter = (topic: string) =>
  Array.from(
    { length: 6 },
    (_, i) =>
      `Our ${topic} business had a satisfactory year, and Charlie and I expect it to keep compounding for decades ${i}. We never forget that the owners, not the managers, bear the cost of every mistake we make, so we act as careful stewards of their capital.`,
  ).join('\n\n')

describe('ragtune models and finetune register', () => {
  let emu: OpenAIEmulator
  let dir: string
  let env: Record<string, string>
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ models: ['gpt-4o-mini', 'buffett-lora', 'ft:gpt-4o-mini:org:buffett:1'] })
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    dir = tempDir('models')
    env = {
      OPENAI_BASE_URL: emu.url,
      OPENAI_API_KEY: 'sk-test',
      RAGTUNE_DATA_DIR: path.join(dir, 'data'),
      RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
    }
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const cli = async (...argv: string[]) => {
    const stdout = capture()
    const stderr = capture()
    const code = await main(argv, { env, stdout, stderr })
    return { code, out: stdout.text(), err: stderr.text() }
  }
  const registry = () => createSqliteModelRegistry({ path: path.join(dir, 'data', 'ragtune.db') })

  it('registers a self-served adapter only after a smoke completion succeeds', async () => {
    const ok = await cli(
      'finetune',
      'register',
      '--name',
      'lora',
      '--base-url',
      emu.url,
      '--model',
      'buffett-lora',
      '--base-model',
      'llama-3.1-8b',
      '--json',
    )
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.out)).toMatchObject({
      registered: { id: 'lora', provider: 'openai-compatible', model: 'buffett-lora', baseURL: emu.url, status: 'ready' },
      smokeTest: { finishReason: 'stop' },
    })
    const last = emu.requests.at(-1)
    expect(last?.path).toBe('/v1/chat/completions')
    expect(last?.headers.authorization).toBe('Bearer unused')

    const missing = await cli('finetune', 'register', '--name', 'ghost', '--base-url', emu.url, '--model', 'no-such-adapter')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('[smoke_test_failed]')
    emu.failNext({ path: '/chat/completions', status: 500 })
    const broken = await cli('finetune', 'register', '--name', 'ghost', '--base-url', emu.url, '--model', 'buffett-lora')
    expect(broken.err).toContain('[smoke_test_failed]')
    const bad = await cli('finetune', 'register', '--name', 'x y', '--base-url', 'ftp://nowhere', '--model', 'm')
    expect(bad.code).toBe(2)
    const r = registry()
    try {
      expect((await r.list()).map((m) => m.id)).toEqual(['lora'])
    } finally {
      await r.close()
    }
  })

  it('adds a prompted voice from a samples folder, attaches a tuned model, and lists it', async () => {
    const samples = path.join(dir, 'samples')
    writeFile(samples, '1990.txt', letter('insurance'))
    writeFile(samples, '1991.md', letter('railroad'))
    writeFile(samples, 'notes.csv', 'a,b\n')
    const r1 = await cli('models', 'add-voice', '--name', 'buffett', '--samples', samples, '--json')
    expect(r1.code).toBe(0)
    const summary = JSON.parse(r1.out)
    expect(summary).toMatchObject({ id: 'buffett', kind: 'prompted', model: null, files: 2 })
    expect(summary.passages).toBeGreaterThan(1)
    const r2 = await cli(
      'models',
      'add-voice',
      '--name',
      'buffett-both',
      '--samples',
      samples,
      '--model',
      'ft:gpt-4o-mini:org:buffett:1',
      '--json',
    )
    expect(JSON.parse(r2.out)).toMatchObject({ kind: 'prompted+fine-tuned', model: 'ft:gpt-4o-mini:org:buffett:1' })
    const list = await cli('models', 'list')
    expect(list.out).toMatch(/ buffett {2}prompted {2}ready/)
    const none = await cli('models', 'add-voice', '--name', 'empty', '--samples', path.join(dir, 'nothing-here'))
    expect(none.code).toBe(1)
    expect(none.err).toContain('[no_voice_samples]')
  })

  it('activation refuses a model that scores below its base or raises more flags, unless forced', async () => {
    const r = registry()
    try {
      const base = { provider: 'openai', baseModel: 'gpt-4o-mini', baseURL: null, datasetHash: null, jobId: null, status: 'ready' as const }
      await r.upsert({ ...base, id: 'worse', model: 'ft:gpt-4o-mini:org:worse:1' })
      await r.upsert({ ...base, id: 'better', model: 'ft:gpt-4o-mini:org:better:1' })
      await r.setEvaluation('worse', {
        evaluatedAt: 'now',
        prompts: 5,
        voiceScore: { base: 0.6, tuned: 0.4 },
        flags: { base: 0, tuned: 2 },
      })
      await r.setEvaluation('better', {
        evaluatedAt: 'now',
        prompts: 5,
        voiceScore: { base: 0.4, tuned: 0.9 },
        flags: { base: 1, tuned: 1 },
      })
    } finally {
      await r.close()
    }
    const refused = await cli('models', 'activate', 'worse')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('[activation_refused]')
    expect(refused.err).toContain('below the base')
    expect(refused.err).toContain('2 fact-lock flags')
    expect((await cli('models', 'activate', 'better')).code).toBe(0)
    const forced = await cli('models', 'activate', 'worse', '--force', '--json')
    expect(JSON.parse(forced.out)).toMatchObject({ id: 'worse', active: true })
    expect((await cli('models', 'list')).out).toMatch(/^\* worse/m)
    expect((await cli('models', 'activate', 'nobody')).err).toContain('[model_not_found]')
    expect((await cli('models', 'deactivate')).code).toBe(0)
    expect((await cli('models', 'list')).out).not.toMatch(/^\*/m)
  })

  it('models eval scores base and tuned answers with the authorship scorer, stores the result, and gates activation', async () => {
    const voiceDir = path.join(dir, 'voice')
    const contrastDir = path.join(dir, 'contrast')
    for (let i = 0; i < 4; i++) {
      writeFile(voiceDir, `letter-${i}.txt`, essay(VOICE, i))
      writeFile(contrastDir, `letter-${i}.txt`, essay(CONTRAST, i))
    }
    const prompts = writeFile(
      dir,
      'validation.jsonl',
      ['What matters in a manager?', 'How do you think about risk?', 'Why keep cash?']
        .map((q) =>
          JSON.stringify({
            messages: [
              { role: 'user', content: q },
              { role: 'assistant', content: 'x' },
            ],
          }),
        )
        .join('\n'),
    )
    const r = registry()
    try {
      await r.upsert({
        id: 'buffett',
        provider: 'openai',
        model: 'ft:gpt-4o-mini:org:buffett:1',
        baseModel: 'gpt-4o-mini',
        baseURL: null,
        datasetHash: null,
        jobId: null,
        status: 'ready',
      })
    } finally {
      await r.close()
    }
    const voiceText = VOICE.join(' ')
    const contrastText = CONTRAST.join(' ')
    emu.setResponder((body) => (body.model.startsWith('ft:') ? voiceText : `${contrastText} Sales grew 20% to $38 billion.`))
    const good = await cli('models', 'eval', 'buffett', '--prompts', prompts, '--voice', voiceDir, '--contrast', contrastDir, '--json')
    expect(good.err).toBe('')
    expect(good.code).toBe(0)
    const lines = good.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompts: number; voiceScore: { base: number; tuned: number }; flags: unknown; activatable: boolean })
    const summary = lines.at(-1)!
    expect(summary.prompts).toBe(3)
    expect(summary.voiceScore.tuned).toBeGreaterThan(summary.voiceScore.base)
    // Per base answer: "Day 1", "20%" and "$38 billion", none given by any source.
    expect(summary.flags).toEqual({ base: 9, tuned: 0 })
    expect(summary.activatable).toBe(true)
    expect((await cli('models', 'list')).out).toContain('voice ')

    // The same model, now sounding like the contrast author and inventing figures: activation is refused.
    emu.setResponder((body) => (body.model.startsWith('ft:') ? `${contrastText} Margins hit 41%.` : voiceText))
    const bad = await cli('models', 'eval', 'buffett', '--prompts', prompts, '--voice', voiceDir, '--contrast', contrastDir)
    expect(bad.out).toContain('not activatable without --force')
    expect((await cli('models', 'activate', 'buffett')).err).toContain('[activation_refused]')
    expect((await cli('models', 'activate', 'buffett', '--force')).code).toBe(0)
  })

  it('evaluation compares base and tuned on held-out prompts with the voice scorer and fact-lock flags', async () => {
    emu.setResponder((body) =>
      body.model.startsWith('ft:')
        ? 'Charlie and I believe the owners deserve candour, and candour compounds.'
        : 'Revenue rose 12% to $4.2 billion [3].',
    )
    const prompts = parseHeldOutPrompts(
      [
        JSON.stringify({
          messages: [
            { role: 'system', content: 'You are Warren.' },
            { role: 'user', content: 'What matters in a manager?' },
            { role: 'assistant', content: 'x' },
          ],
        }),
        JSON.stringify({ prompt: 'How do you think about float?' }),
        'not json',
      ].join('\n'),
    )
    expect(prompts).toEqual([{ system: 'You are Warren.', user: 'What matters in a manager?' }, { user: 'How do you think about float?' }])
    const chat = createOpenAIChat({ model: 'gpt-4o-mini', baseURL: emu.url, apiKey: 'sk-test', timeoutMs: 10_000, maxRetries: 0 })
    // A stand-in scorer: the share of the voice's signature words. The real one is the authorship model.
    const scorer: VoiceScorer = async (texts) => texts.map((t) => (/Charlie|owners|compound/.test(t) ? 0.9 : 0.2))
    const gen = (model: string) => async (p: { user: string }) =>
      (await chat.complete({ model, messages: [{ role: 'user', content: p.user }] })).text
    const { reports, evaluation } = await evaluateVoiceModel({
      prompts,
      scorer,
      candidates: [
        { name: 'base', model: 'gpt-4o-mini', generate: gen('gpt-4o-mini') },
        { name: 'tuned', model: 'ft:gpt-4o-mini:org:buffett:1', generate: gen('ft:gpt-4o-mini:org:buffett:1') },
      ],
    })
    expect(reports.map((r) => r.answers.length)).toEqual([2, 2])
    expect(evaluation.voiceScore).toEqual({ base: 0.2, tuned: 0.9 })
    // The base answer invents two figures and cites a source it was never given, on each prompt.
    expect(evaluation.flags).toEqual({ base: 6, tuned: 0 })
    expect(factLockFlags('No numbers here.')).toBe(0)
  })
})
