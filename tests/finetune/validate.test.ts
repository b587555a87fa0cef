import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validate } from '../../finetune/cli/validate.js'
import { validateJsonl } from '../../finetune/validate/validate-examples.js'
import { estimateBilling, estimateEpochs } from '../../finetune/validate/billing-estimate.js'
import { createTokenCounter, encodingForModel } from '../../finetune/validate/token-counter.js'
import { runCommand } from './dataset-cli-harness.js'

const good = (i: number): string =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You write like the chairman.' },
      { role: 'user', content: `What happened to float in year ${i}?` },
      { role: 'assistant', content: `Float grew again in year ${i}, and it cost us nothing.` },
    ],
  })

/** Nine good lines around one bad line at line 5, so every other rule is satisfied. */
function fileWith(bad: string, total = 12): string {
  const lines = Array.from({ length: total }, (_, i) => good(i + 1))
  lines[4] = bad
  return `${lines.join('\n')}\n`
}

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-validate-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function check(name: string, content: string, extra: string[] = []) {
  const file = path.join(dir, `${name}.jsonl`)
  fs.writeFileSync(file, content)
  return runCommand(validate, [file, '--json', ...extra])
}

const msg = (o: object) => JSON.stringify(o)
const cases: [string, string][] = [
  ['invalid_json', '{"messages": [ {"role": "user", "content": "cut off'],
  ['data_type', '["not", "an", "object"]'],
  ['missing_messages_list', msg({ prompt: 'hi', completion: 'there' })],
  ['message_missing_key', msg({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant' }] })],
  [
    'message_unrecognized_key',
    msg({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', mood: 'wry' },
      ],
    }),
  ],
  [
    'unrecognized_role',
    msg({
      messages: [
        { role: 'narrator', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    }),
  ],
  [
    'missing_content',
    msg({
      messages: [
        { role: 'user', content: 42 },
        { role: 'assistant', content: 'a' },
      ],
    }),
  ],
  [
    'invalid_weight',
    msg({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', weight: 0.5 },
      ],
    }),
  ],
  [
    'example_missing_assistant_message',
    msg({
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'q' },
      ],
    }),
  ],
]

describe('finetune validate: one bad file per error class', () => {
  it.each(cases)('%s is reported with its line and exit code 1', async (cls, bad) => {
    const r = await check(cls, fileWith(bad))
    expect(r.code).toBe(1)
    const out = r.lastJson()
    expect(out.ok).toBe(false)
    expect(out.examples).toBe(12)
    expect(out.errors[cls]).toEqual([5])
    // the other eleven lines were still checked: no other class fires on them
    for (const [other, lines] of Object.entries(out.errors)) if (other !== cls) expect(lines).not.toContain(1)
  })

  it('over_token_limit uses the --max-tokens limit', async () => {
    const long = msg({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'word '.repeat(500) },
      ],
    })
    const r = await check('over_token_limit', fileWith(long), ['--max-tokens', '200'])
    expect(r.code).toBe(1)
    expect(r.lastJson().errors).toEqual({ over_token_limit: [5] })
    // the billed estimate caps that example at the limit
    const report = validateJsonl(fileWith(long), { maxTokensPerExample: 200 })
    const uncapped = validateJsonl(fileWith(long))
    expect(report.estimate.billedTokens).toBeLessThan(uncapped.estimate.billedTokens)
  })

  it('too_few_examples below 10 lines', async () => {
    const r = await check('too_few', `${[1, 2, 3].map(good).join('\n')}\n`)
    expect(r.code).toBe(1)
    expect(r.lastJson().errors).toEqual({ too_few_examples: [] })
  })

  it('a clean file passes with the exact --json shape, exit 0', async () => {
    const r = await check('clean', `${Array.from({ length: 12 }, (_, i) => good(i)).join('\n')}\n`)
    expect(r.code).toBe(0)
    const out = r.lastJson()
    expect(Object.keys(out)).toEqual(['ok', 'examples', 'errors', 'warnings', 'tokens', 'estimate'])
    expect(out).toMatchObject({ ok: true, examples: 12, errors: {}, warnings: {}, estimate: { epochs: 9 } })
    expect(Object.keys(out.estimate)).toEqual(['epochs', 'billedTokens'])
    expect(out.estimate.billedTokens).toBe(9 * out.tokens.total)
    expect(out.tokens.max).toBeGreaterThan(20)
  })

  it('several bad lines of different kinds are all reported; warnings do not fail', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => good(i))
    lines[0] = 'nope'
    lines[6] = msg({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'bot', content: 'a' },
      ],
    })
    lines[9] = msg({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    })
    const r = await check('mixed', `${lines.join('\n')}\n`)
    const out = r.lastJson()
    expect(out.errors).toEqual({ invalid_json: [1], unrecognized_role: [7], example_missing_assistant_message: [7] })
    expect(out.warnings.missing_system_message).toEqual([7, 10])
  })

  it('prints a human report with a cost line when a price is given', async () => {
    const file = path.join(dir, 'human.jsonl')
    fs.writeFileSync(file, `${Array.from({ length: 40 }, (_, i) => good(i)).join('\n')}\n`)
    const r = await runCommand(validate, [file, '--price-per-million', '3'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/40 examples, OK/)
    expect(r.stdout).toMatch(/estimate: 3 epochs/)
    expect(r.stdout).toMatch(/cost: ~\$0\.\d{4}/)
  })

  it('bad flags and missing files get stable codes', async () => {
    await expect(runCommand(validate, [])).rejects.toMatchObject({ code: 'invalid_arguments' })
    await expect(runCommand(validate, ['x.jsonl', '--max-tokens', 'lots'])).rejects.toMatchObject({ code: 'invalid_arguments' })
    await expect(runCommand(validate, [path.join(dir, 'absent.jsonl')])).rejects.toMatchObject({ code: 'file_not_found' })
  })
})

describe('billing estimate (cookbook rules)', () => {
  it.each([
    [1, 25],
    [10, 10],
    [33, 4],
    [34, 3],
    [5000, 3],
    [8333, 3],
    [8334, 2],
    [10_000, 2],
    [30_000, 1],
  ])('%i training examples → %i epochs', (n, epochs) => {
    expect(estimateEpochs(n)).toBe(epochs)
  })

  it('billed = epochs × sum of capped example tokens, cost per million', () => {
    const tokens = Array.from({ length: 50 }, () => 1000)
    tokens[0] = 5000
    const e = estimateBilling(tokens, 2000, 3)
    expect(e.epochs).toBe(3)
    expect(e.billedTokens).toBe(3 * (49 * 1000 + 2000))
    expect(e.cost).toBeCloseTo((e.billedTokens / 1e6) * 3, 10)
  })
})

describe('token counting', () => {
  it('picks o200k_base for the gpt-4o family, cl100k_base otherwise', () => {
    expect(encodingForModel('gpt-4o-mini-2024-07-18')).toBe('o200k_base')
    expect(encodingForModel('gpt-4.1-2025-04-14')).toBe('o200k_base')
    expect(encodingForModel('gpt-3.5-turbo-0125')).toBe('cl100k_base')
  })

  it('counts chat messages the cookbook way and tolerates special-token text', () => {
    const c = createTokenCounter('gpt-4o-mini')
    expect(c.count('hello world')).toBe(2)
    expect(c.countMessages([{ role: 'user', content: 'hello world' }])).toBe(3 + 3 + c.count('user') + 2)
    expect(c.count('<|endoftext|>')).toBeGreaterThan(1)
  })
})
