import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepare } from '../../finetune/cli/prepare.js'
import { validateFile } from '../../finetune/validate/validate-file.js'
import { readSamples } from '../../finetune/dataset/read-samples.js'
import { createPdfSampleReader } from '../../finetune/dataset/pdf-sample-reader.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'
import { runCommand } from './dataset-cli-harness.js'
import { letter, makeRng, prose, writePdf } from './dataset-fixtures.js'

let dir: string
let samples: string
let pairsFile: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-prepare-'))
  samples = path.join(dir, 'warren-voice')
  fs.mkdirSync(samples)
  const rng = makeRng(11)
  for (let y = 1990; y < 1996; y++) fs.writeFileSync(path.join(samples, `${y}.txt`), letter(rng))
  // planted duplicates: an exact copy of a letter, and a lightly edited copy of another
  fs.copyFileSync(path.join(samples, '1990.txt'), path.join(samples, '1990-copy.txt'))
  fs.writeFileSync(
    path.join(samples, '1991-edited.txt'),
    fs.readFileSync(path.join(samples, '1991.txt'), 'utf8').replace(/grew/g, 'expanded'),
  )
  fs.writeFileSync(path.join(samples, 'notes.md'), `# Notes\n\n${prose(rng, 8)}\n\n${prose(rng, 8)}\n`)
  fs.writeFileSync(path.join(samples, 'empty.txt'), '   \n')
  fs.writeFileSync(path.join(samples, 'manifest.csv'), 'year,file\n')
  await writePdf(path.join(samples, 'speech.pdf'), [prose(rng, 7), prose(rng, 7), prose(rng, 7)])
  pairsFile = path.join(dir, 'pairs.jsonl')
  fs.writeFileSync(
    pairsFile,
    [
      JSON.stringify({ prompt: 'What is float?', response: `Float is money we hold but do not own. ${prose(rng, 2)}` }),
      '{broken',
      JSON.stringify({ question: 'Why Omaha?', answer: 'Because it is home, and home is where the office is.', source: 'qa' }),
    ].join('\n'),
  )
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

type Example = { messages: { role: string; content: string }[] }
const readJsonl = (file: string): Example[] =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Example)

describe('finetune prepare (offline)', () => {
  it('writes a valid, deduplicated dataset split by source, with a report', async () => {
    const out = path.join(dir, 'out-offline')
    // the same samples, pairs and seed each time; only the output folder changes
    const offline = (to: string) =>
      runCommand(prepare, [samples, '--out', to, '--pairs', pairsFile, '--seed', '3', '--validation-fraction', '0.25', '--json'])
    const r = await offline(out)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const s = r.lastJson()
    expect(s.ok).toBe(true)
    expect(s.voice).toBe('Warren Voice')
    expect(s.promptVersion).toBe('offline-topic@1')
    expect(s.files).toEqual({ read: 10, skipped: 1 }) // 8 .txt (one empty) + .md + .pdf read; empty skipped
    expect(s.drops.empty_file).toBe(1)
    expect(s.drops.invalid_pair).toBe(1)
    expect(s.drops.exact_duplicate).toBeGreaterThanOrEqual(3)
    expect(s.drops.near_duplicate).toBeGreaterThanOrEqual(3)

    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'))
    expect(report.pairs).toEqual({ merged: 2, dropped: 1 })
    expect(report.method.dedupe).toMatch(/MinHash/)
    expect(report.datasetSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(report.drops.items.find((d: { reason: string }) => d.reason === 'invalid_pair').source).toBe(`${pairsFile}:2`)
    // no source on both sides
    for (const v of report.sources.validation) expect(report.sources.train).not.toContain(v)
    expect(report.sources.validation.length).toBeGreaterThan(0)

    const train = readJsonl(path.join(out, 'train.jsonl'))
    const validation = readJsonl(path.join(out, 'validation.jsonl'))
    expect(train.length + validation.length).toBe(s.examples.train + s.examples.validation)
    for (const ex of [...train, ...validation]) {
      expect(ex.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant'])
      expect(ex.messages[0]!.content).toMatch(/Warren Voice/)
      expect(ex.messages[1]!.content.endsWith('?') || ex.messages[1]!.content.length > 0).toBe(true)
    }
    const assistants = [...train, ...validation].map((e) => e.messages[2]!.content)
    expect(assistants.some((a) => a.startsWith('Float is money we hold'))).toBe(true)
    expect(new Set(assistants).size).toBe(assistants.length)
    // the PDF's text made it in
    expect(report.sources.train.concat(report.sources.validation)).toContain(path.join(samples, 'speech.pdf'))
    expect((await validateFile(path.join(out, 'train.jsonl'))).ok).toBe(true)
    expect(s.tokens.train.total).toBeGreaterThan(1000)
    expect(s.estimate.epochs).toBeGreaterThan(0)

    // same input, same seed: same bytes
    const again = await offline(path.join(dir, 'out-again'))
    expect(again.lastJson().datasetSha256).toBe(s.datasetSha256)
  })

  it('prints a human summary with the cost line', async () => {
    const r = await runCommand(prepare, [samples, '--out', path.join(dir, 'out-human'), '--price-per-million', '3'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/passages: \d+ segmented, \d+ duplicates removed/)
    expect(r.stdout).toMatch(/cost: ~\$\d/)
  })

  it("a broken PDF is skipped with the extractor's code; the other files are read", async () => {
    const mixed = path.join(dir, 'mixed')
    fs.mkdirSync(mixed)
    fs.writeFileSync(path.join(mixed, 'a.txt'), prose(makeRng(2), 10))
    fs.writeFileSync(path.join(mixed, 'broken.pdf'), Buffer.from('%PDF-1.4 not really a pdf at all'))
    fs.writeFileSync(path.join(mixed, 'notes.docx'), 'x')
    fs.writeFileSync(path.join(mixed, 'slides.key'), 'x')
    const { samples, skips } = await readSamples([mixed, path.join(mixed, 'slides.key')], {
      readPdf: createPdfSampleReader({ maxPages: 10 }),
    })
    expect(samples.map((s) => path.basename(s.source))).toEqual(['a.txt'])
    expect(skips.map((s) => [path.basename(s.source), s.reason])).toEqual([
      ['broken.pdf', 'invalid_pdf'],
      ['notes.docx', 'invalid_docx'],
      ['slides.key', 'unsupported_type'],
    ])
  })

  it('bad arguments and empty inputs get stable codes', async () => {
    await expect(runCommand(prepare, [samples])).rejects.toMatchObject({ code: 'invalid_arguments' })
    await expect(runCommand(prepare, [samples, '--out', dir, '--validation-fraction', '0.9'])).rejects.toMatchObject({
      code: 'invalid_arguments',
    })
    await expect(runCommand(prepare, [path.join(dir, 'nothing-here'), '--out', path.join(dir, 'x')])).rejects.toMatchObject({
      code: 'no_samples',
    })
  })
})

describe('finetune prepare (backtranslation through the chat model)', () => {
  let emu: OpenAIEmulator
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ apiKey: 'sk-test' })
  })
  afterAll(async () => emu.close())

  it('asks the model with backtranslate@1 and falls back per passage on errors and non-questions', async () => {
    let calls = 0
    emu.setResponder((body) => {
      calls++
      const user = String(body.messages.at(-1)?.content)
      expect(user).toMatch(/<passage>/)
      expect(user).toMatch(/Warren Voice/)
      return calls === 2 ? 'I would rather not.' : `Question: "How did the business fare, call ${calls}?"`
    })
    emu.failNext({ path: '/chat/completions', status: 400, message: 'bad request' })
    const out = path.join(dir, 'out-model')
    const r = await runCommand(prepare, [samples, '--out', out, '--json', '--concurrency', '1'], {
      OPENAI_BASE_URL: emu.url,
      OPENAI_API_KEY: 'sk-test',
      RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
      RAGTUNE_MODEL_MAX_RETRIES: '0',
    })
    expect(r.code).toBe(0)
    const s = r.lastJson()
    expect(s.promptVersion).toBe('backtranslate@1')
    expect(s.questions.fallbacks).toEqual({ upstream_rejected: 1, unusable_model_reply: 1 })
    expect(s.questions.model).toBe(s.passages.kept - 2)
    const train = readJsonl(path.join(out, 'train.jsonl'))
    expect(train.some((e) => /^How did the business fare, call \d+\?$/.test(e.messages[1]!.content))).toBe(true)
  })
})
