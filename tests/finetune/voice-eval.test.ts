import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rocAuc } from '../../finetune/voice-eval/auc.js'
import { predictProbability, trainLogisticRegression } from '../../finetune/voice-eval/logistic-regression.js'
import { functionWordRates } from '../../finetune/voice-eval/style-features.js'
import { FUNCTION_WORDS } from '../../finetune/voice-eval/function-words.js'
import { createVoiceScorer } from '../../finetune/voice-eval/voice-scorer.js'
import { evaluateVoice, holdOutFiles } from '../../finetune/voice-eval/evaluate-voice.js'
import { evalVoice } from '../../finetune/cli/eval-voice.js'
import { runCommand } from './dataset-cli-harness.js'
import { makeRng } from './dataset-fixtures.js'

// Two clearly different synthetic authors writing about the same topics.
const TOPICS = ['the railroad', 'our insurance float', 'the candy shop', 'capital allocation', 'the annual meeting', 'share repurchases']
function formalAuthor(rng: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!
  const openers = [
    'Indeed, we believe that',
    'Moreover, it is our view that',
    'We shall continue to hold that',
    'It is, in our judgement, plain that',
  ]
  const ends = [
    'shall reward patient owners over many decades',
    'is worth far more than its reported figures suggest',
    'requires discipline of a most unusual kind',
    'must be judged by its long-term economics',
  ]
  return Array.from(
    { length: 8 },
    () => `${pick(openers)} ${pick(TOPICS)} ${pick(ends)}; nevertheless, we remain cautious, whereas others are not.`,
  ).join(' ')
}
function casualAuthor(rng: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!
  const openers = ['Honestly, I think', 'You know what? I love how', "Look, I'm super excited that", 'Basically I feel like']
  const ends = ['is awesome!', 'totally rocks.', 'keeps getting better and better!', 'is crazy fun, you guys.']
  return Array.from({ length: 14 }, () => `${pick(openers)} ${pick(TOPICS)} ${pick(ends)} So cool.`).join(' ')
}
const letterOf = (author: (r: () => number) => string, rng: () => number, paragraphs = 5): string =>
  Array.from({ length: paragraphs }, () => author(rng)).join('\n\n')

let dir: string
const folders = { voice: '', contrast: '', testVoice: '', testContrast: '' }
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-voice-'))
  const rng = makeRng(5)
  for (const [key, author, files] of [
    ['voice', formalAuthor, 6],
    ['contrast', casualAuthor, 6],
    ['testVoice', formalAuthor, 2],
    ['testContrast', casualAuthor, 2],
  ] as const) {
    const d = path.join(dir, key)
    fs.mkdirSync(d)
    for (let i = 0; i < files; i++) fs.writeFileSync(path.join(d, `${2000 + i}.txt`), letterOf(author, rng))
    folders[key] = d
  }
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('ROC AUC', () => {
  it.each([
    [[0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0], 1],
    [[0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0], 0],
    [[0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0], 0.5],
    [[0.9, 0.4, 0.6, 0.1], [1, 1, 0, 0], 0.75],
  ] as const)('%j / %j → %d', (scores, labels, auc) => {
    expect(rocAuc([...scores], [...labels])).toBeCloseTo(auc, 12)
  })
  it('is NaN with one class only', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN()
  })
})

describe('logistic regression', () => {
  it('learns a separable toy problem and stays deterministic', () => {
    const vec = (a: number, b: number) => ({ indices: Uint32Array.from([0, 1]), values: Float64Array.from([a, b]) })
    const rng = makeRng(3)
    const xs = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? vec(1 + rng(), rng() * 0.2) : vec(rng() * 0.2, 1 + rng())))
    const ys = xs.map((_, i) => (i % 2 === 0 ? 1 : 0))
    const m = trainLogisticRegression(xs, ys, { dimensions: 2, seed: 1 })
    expect(predictProbability(m, vec(1.5, 0))).toBeGreaterThan(0.9)
    expect(predictProbability(m, vec(0, 1.5))).toBeLessThan(0.1)
    const again = trainLogisticRegression(xs, ys, { dimensions: 2, seed: 1 })
    expect(Array.from(again.weights)).toEqual(Array.from(m.weights))
    expect(() => trainLogisticRegression([], [], { dimensions: 2 })).toThrow()
  })

  it('balances classes: a 10:1 imbalance still gives a sensible boundary', () => {
    const vec = (a: number) => ({ indices: Uint32Array.from([0]), values: Float64Array.from([a]) })
    const xs = [...Array.from({ length: 100 }, () => vec(1)), ...Array.from({ length: 10 }, () => vec(-1))]
    const ys = xs.map((_, i) => (i < 100 ? 1 : 0))
    const m = trainLogisticRegression(xs, ys, { dimensions: 1 })
    expect(predictProbability(m, vec(-1))).toBeLessThan(0.5)
    expect(predictProbability(m, vec(0))).toBeGreaterThan(0.3)
    expect(predictProbability(m, vec(0))).toBeLessThan(0.7)
  })
})

describe('function-word profile', () => {
  it('counts rates per 100 words', () => {
    const rates = functionWordRates('The cat and the dog.')
    expect(rates[FUNCTION_WORDS.indexOf('the')]).toBeCloseTo(40)
    expect(rates[FUNCTION_WORDS.indexOf('and')]).toBeCloseTo(20)
  })
})

describe('voice scorer and evaluation', () => {
  it('scores the voice above the contrast author on unseen text', () => {
    const read = (d: string) => fs.readdirSync(d).map((f) => fs.readFileSync(path.join(d, f), 'utf8'))
    const scorer = createVoiceScorer({ voice: read(folders.voice), contrast: read(folders.contrast) })
    const rng = makeRng(99)
    expect(scorer.score(formalAuthor(rng))).toBeGreaterThan(0.5)
    expect(scorer.score(casualAuthor(rng))).toBeLessThan(0.5)
    expect(scorer.trainedOn.voicePassages).toBeGreaterThan(5)
  })

  it('holds out whole files deterministically', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ source: `/x/${i}.txt` }))
    const a = holdOutFiles(items, 0.2, 7)
    expect(a.test).toHaveLength(2)
    expect(
      holdOutFiles([...items].reverse(), 0.2, 7)
        .test.map((x) => x.source)
        .sort(),
    ).toEqual(a.test.map((x) => x.source).sort())
    expect(() => holdOutFiles(items.slice(0, 1), 0.2, 7)).toThrow(/at least 2 files/)
  })

  it('reaches a high AUC on held-out files of the synthetic authors', async () => {
    const r = await evaluateVoice({ voiceDir: folders.voice, contrastDir: folders.contrast, holdoutFraction: 0.34 })
    expect(r.heldOut?.voice).toHaveLength(2)
    expect(r.testPassages.voice).toBeGreaterThan(0)
    expect(r.testPassages.contrast).toBeGreaterThan(0)
    expect(r.auc).toBeGreaterThanOrEqual(0.95)
  })

  it('CLI: test folders, --json last line exactly {auc, passages}', async () => {
    const r = await runCommand(evalVoice, [
      '--voice',
      folders.voice,
      '--contrast',
      folders.contrast,
      '--test-voice',
      folders.testVoice,
      '--test-contrast',
      folders.testContrast,
      '--json',
    ])
    expect(r.code).toBe(0)
    const out = r.lastJson()
    expect(Object.keys(out)).toEqual(['auc', 'passages'])
    expect(out.auc).toBeGreaterThanOrEqual(0.95)
    expect(out.passages).toBeGreaterThan(2)
  })

  it('CLI: argument errors have stable codes', async () => {
    await expect(runCommand(evalVoice, ['--voice', folders.voice])).rejects.toMatchObject({ code: 'invalid_arguments' })
    await expect(
      runCommand(evalVoice, ['--voice', folders.voice, '--contrast', folders.contrast, '--test-voice', folders.testVoice]),
    ).rejects.toMatchObject({ code: 'invalid_arguments' })
    await expect(runCommand(evalVoice, ['--voice', path.join(dir, 'missing'), '--contrast', folders.contrast])).rejects.toMatchObject({
      code: 'no_samples',
    })
  })
})
