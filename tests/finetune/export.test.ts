import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportCommand } from '../../finetune/cli/export.js'
import { sequenceLenFor } from '../../finetune/export/export-input.js'
import { templateFor, toShareGpt } from '../../finetune/export/llama-factory.js'
import { runCommand } from './dataset-cli-harness.js'

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url))
// Regenerate after an intended change with: UPDATE_GOLDEN=1 npx vitest run tests/finetune/export.test.ts
const update = process.env.UPDATE_GOLDEN === '1'

const example = (i: number) => ({
  messages: [
    { role: 'system', content: "You are Buffett. Answer in Buffett's own voice." },
    { role: 'user', content: `What happened to float in year ${i}?` },
    { role: 'assistant', content: `Float grew again in year ${i}; it cost us "nothing".\n\nThat is the whole trick.` },
  ],
})

let dir: string
let dataset: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-export-'))
  dataset = path.join(dir, 'dataset')
  fs.mkdirSync(dataset)
  fs.writeFileSync(path.join(dataset, 'train.jsonl'), `${Array.from({ length: 12 }, (_, i) => JSON.stringify(example(i))).join('\n')}\n`)
  fs.writeFileSync(path.join(dataset, 'validation.jsonl'), `${[12, 13].map((i) => JSON.stringify(example(i))).join('\n')}\n`)
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const GOLDEN_FILES: Record<string, string[]> = {
  axolotl: ['axolotl.yaml', 'README.md'],
  'llama-factory': ['llama-factory.yaml', 'data/dataset_info.json', 'README.md'],
  unsloth: ['unsloth-config.json', 'README.md'],
}

describe('finetune export: golden files', () => {
  it.each(Object.keys(GOLDEN_FILES))('%s writes the expected config, data and README', async (format) => {
    const out = path.join(dir, format)
    const r = await runCommand(exportCommand, ['--format', format, '--dataset', dataset, '--out', out, '--name', 'buffett-voice', '--json'])
    expect(r.code).toBe(0)
    const res = r.lastJson()
    expect(res.examples).toEqual({ train: 12, validation: 2 })
    expect(res.settings.baseModel).toBe('Qwen/Qwen2.5-7B-Instruct')
    for (const f of res.files as string[]) expect(fs.existsSync(path.join(out, f))).toBe(true)
    for (const f of GOLDEN_FILES[format]!) {
      const golden = path.join(GOLDEN, format, f)
      const actual = fs.readFileSync(path.join(out, f), 'utf8')
      if (update) {
        fs.mkdirSync(path.dirname(golden), { recursive: true })
        fs.writeFileSync(golden, actual)
      }
      expect(actual, `${format}/${f} differs from tests/finetune/golden`).toBe(fs.readFileSync(golden, 'utf8'))
    }
  })

  it('unsloth writes its training script as the exporter ships it, byte for byte', () => {
    const shipped = fs.readFileSync(new URL('../../finetune/export/train_unsloth.py', import.meta.url), 'utf8')
    expect(fs.readFileSync(path.join(dir, 'unsloth', 'train_unsloth.py'), 'utf8')).toBe(shipped)
    expect(shipped).toMatch(/^# Written by `ragtune finetune export --format unsloth`/)
    expect(shipped).toContain('cfg = json.load(f)')
  })

  it('axolotl and unsloth keep the messages dataset byte for byte; llama-factory converts to ShareGPT', () => {
    const train = fs.readFileSync(path.join(dataset, 'train.jsonl'), 'utf8')
    expect(fs.readFileSync(path.join(dir, 'axolotl', 'data/train.jsonl'), 'utf8')).toBe(train)
    expect(fs.readFileSync(path.join(dir, 'unsloth', 'data/train.jsonl'), 'utf8')).toBe(train)
    const lf = fs
      .readFileSync(path.join(dir, 'llama-factory', 'data/train.jsonl'), 'utf8')
      .trim()
      .split('\n')
    expect(lf).toHaveLength(12)
    expect(JSON.parse(lf[0]!)).toEqual({
      conversations: [
        { from: 'human', value: 'What happened to float in year 0?' },
        { from: 'gpt', value: 'Float grew again in year 0; it cost us "nothing".\n\nThat is the whole trick.' },
      ],
      system: "You are Buffett. Answer in Buffett's own voice.",
    })
  })

  it('flags change the config: base model, LoRA rank, epochs, template', async () => {
    const out = path.join(dir, 'custom')
    const r = await runCommand(exportCommand, [
      '--format',
      'llama-factory',
      '--train',
      path.join(dataset, 'train.jsonl'),
      '--out',
      out,
      '--base-model',
      'meta-llama/Llama-3.1-8B-Instruct',
      '--lora-r',
      '8',
      '--epochs',
      '2',
      '--learning-rate',
      '0.0001',
    ])
    expect(r.code).toBe(0)
    const yaml = fs.readFileSync(path.join(out, 'llama-factory.yaml'), 'utf8')
    expect(yaml).toMatch(/^model_name_or_path: "meta-llama\/Llama-3.1-8B-Instruct"$/m)
    expect(yaml).toMatch(/^template: llama3$/m)
    expect(yaml).toMatch(/^lora_rank: 8$/m)
    expect(yaml).toMatch(/^num_train_epochs: 2.0$/m)
    expect(yaml).toMatch(/^learning_rate: 0.0001$/m)
    expect(yaml).not.toMatch(/eval_dataset/) // no validation file given
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toMatch(/FROM llama3.1:8b-instruct-fp16/)
  })

  it('refuses an invalid dataset and bad flags with stable codes', async () => {
    const bad = path.join(dir, 'bad.jsonl')
    fs.writeFileSync(bad, `${Array.from({ length: 12 }, (_, i) => (i === 3 ? '{oops' : JSON.stringify(example(i)))).join('\n')}\n`)
    await expect(runCommand(exportCommand, ['--format', 'axolotl', '--train', bad, '--out', path.join(dir, 'x')])).rejects.toMatchObject({
      code: 'invalid_dataset',
      message: expect.stringMatching(/invalid_json \(lines 4\)/),
    })
    await expect(runCommand(exportCommand, ['--format', 'torchtune', '--dataset', dataset, '--out', dir])).rejects.toMatchObject({
      code: 'invalid_arguments',
    })
    await expect(runCommand(exportCommand, ['--format', 'axolotl', '--dataset', dataset])).rejects.toMatchObject({
      code: 'invalid_arguments',
    })
    await expect(
      runCommand(exportCommand, ['--format', 'axolotl', '--dataset', dataset, '--out', dir, '--lora-r', '1.5']),
    ).rejects.toMatchObject({ code: 'invalid_arguments' })
    await expect(
      runCommand(exportCommand, ['--format', 'axolotl', '--train', path.join(dir, 'none.jsonl'), '--out', dir]),
    ).rejects.toMatchObject({ code: 'file_not_found' })
  })
})

describe('export helpers', () => {
  it.each([
    ['Qwen/Qwen2.5-7B-Instruct', 'qwen'],
    ['Qwen/Qwen3-8B', 'qwen3'],
    ['meta-llama/Meta-Llama-3.1-8B-Instruct', 'llama3'],
    ['mistralai/Mistral-7B-Instruct-v0.3', 'mistral'],
    ['google/gemma-2-9b-it', 'gemma'],
    ['some/unknown-model', 'default'],
  ])('template for %s is %s', (model, template) => {
    expect(templateFor(model)).toBe(template)
  })

  it('sequence length leaves headroom, in powers of two from 1024 to 8192', () => {
    expect(sequenceLenFor(100)).toBe(1024)
    expect(sequenceLenFor(900)).toBe(2048)
    expect(sequenceLenFor(50_000)).toBe(8192)
  })

  it('ShareGPT without a system message has no system column', () => {
    expect(
      toShareGpt({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }),
    ).toEqual({
      conversations: [
        { from: 'human', value: 'q' },
        { from: 'gpt', value: 'a' },
      ],
    })
  })
})
