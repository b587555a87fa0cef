/**
 * Fine-tuning provider side, measured against the OpenAI emulator (no network, no sleeping):
 *  1. a full `ragtune finetune run --watch` to succeeded + registration, transcript and request counts;
 *  2. the per-request cost of the registry-backed voice resolver (version check; BM25 exemplars for a
 *     prompted voice built from the shared Buffett letters when they are there).
 * Run: npx tsx bench/finetune.ts [voiceSamplesDir]. Prints figures; never fails on them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { main } from '../bin/cli.js'
import { startOpenAIEmulator } from '../tests/support/openai-emulator.js'
import { createFineTuneEmulator } from '../tests/support/openai-finetune-emulator.js'
import { createSqliteModelRegistry } from '../src/adapters/sqlite/sqlite-model-registry.js'
import { createRegistryVoiceResolver } from '../src/core/answer/registry-voice-resolver.js'

const samplesDir = process.argv[2] ?? '../shared/data/voice/buffett'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-bench-ft-'))
const ft = createFineTuneEmulator()
const emu = await startOpenAIEmulator({ apiKey: 'sk-bench', plugins: [ft.plugin] })
ft.advanceOnPoll = true
ft.scriptNext({ steps: 20 })

const sink = (): Writable & { text: string } => {
  const w = new Writable({ write: (c: Buffer, _e, done) => ((w.text += c.toString()), done()) }) as Writable & { text: string }
  w.text = ''
  return w
}
const env = {
  OPENAI_BASE_URL: emu.url,
  OPENAI_API_KEY: 'sk-bench',
  RAGTUNE_DATA_DIR: path.join(dir, 'data'),
  RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
}
const run = async (...argv: string[]): Promise<{ code: number; out: string; ms: number }> => {
  const out = sink()
  const t = performance.now()
  const code = await main(argv, { env, stdout: out, stderr: out })
  return { code, out: out.text, ms: performance.now() - t }
}

try {
  const lines = Array.from({ length: 50 }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'system', content: 'You write as the chairman.' },
        { role: 'user', content: `Question ${i}?` },
        { role: 'assistant', content: `Answer ${i}, with patience.` },
      ],
    }),
  )
  const train = path.join(dir, 'train.jsonl')
  fs.writeFileSync(train, lines.join('\n'))
  const r = await run(
    'finetune',
    'run',
    '--train',
    train,
    '--base-model',
    'gpt-4o-mini-2024-07-18',
    '--suffix',
    'bench',
    '--name',
    'bench',
    '--watch',
    '--poll-seconds',
    '0',
  )
  const shown = r.out.trim().split('\n')
  console.log(`finetune run --watch: exit ${r.code}, ${r.ms.toFixed(0)} ms, ${shown.length} lines; first and last lines:`)
  for (const l of [...shown.slice(0, 4), '…', ...shown.slice(-3)]) console.log(`  ${l}`)
  const byPath = new Map<string, number>()
  for (const q of emu.requests) {
    const key = `${q.method} ${q.path.replace(/(ftjob|file)-[0-9a-f]+/g, '$1-…')}`
    byPath.set(key, (byPath.get(key) ?? 0) + 1)
  }
  console.log('emulator requests:', Object.fromEntries(byPath))

  const registry = createSqliteModelRegistry({ path: path.join(dir, 'data', 'ragtune.db') })
  const resolver = createRegistryVoiceResolver({ registry, chatModel: 'gpt-4o-mini' })
  await registry.activate('bench')
  const time = async (label: string, n: number, fn: (i: number) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < Math.min(50, n); i++) await fn(i)
    const t = performance.now()
    for (let i = 0; i < n; i++) await fn(i)
    const us = ((performance.now() - t) * 1000) / n
    console.log(`${label}: ${us.toFixed(1)} µs per resolve (${n} calls)`)
  }
  await time('fine-tuned voice, unchanged registry (version check only)', 20_000, () => resolver.resolve(undefined, 'How did float grow?'))

  if (fs.existsSync(samplesDir)) {
    const t = performance.now()
    const added = await run('models', 'add-voice', '--name', 'buffett-prompted', '--samples', samplesDir, '--json')
    console.log(`models add-voice on ${samplesDir}: ${added.out.trim()} in ${(performance.now() - t).toFixed(0)} ms`)
    await registry.activate('buffett-prompted')
    const questions = [
      'How did insurance float grow this year?',
      'What do you look for in a manager?',
      'Why do you avoid debt?',
      'What about share repurchases?',
    ]
    await time('prompted voice, 3 BM25 exemplars per question', 2_000, (i) => resolver.resolve(undefined, questions[i % questions.length]!))
    const sel = await resolver.resolve(undefined, questions[0]!)
    console.log(`exemplar for "${questions[0]}": ${sel.exemplars[0]?.slice(0, 160).replaceAll('\n', ' ')}…`)
  } else console.log(`(no samples at ${samplesDir}: prompted-voice figures skipped)`)
  await time('alternating activation each call (reload every time)', 500, async (i) => {
    await registry.activate(i % 2 === 0 ? 'bench' : fs.existsSync(samplesDir) ? 'buffett-prompted' : 'bench')
    return resolver.resolve(undefined, 'q')
  })
  await registry.close()
} finally {
  await emu.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
