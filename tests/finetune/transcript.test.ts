import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepare } from '../../finetune/cli/prepare.js'
import { addVoice } from '../../finetune/cli/models-add-voice.js'
import { matchSpeakers, parseTranscript, speakerTurns } from '../../finetune/dataset/transcript.js'
import { makeDocx } from '../support/office-fixtures.js'
import { runCommand } from './dataset-cli-harness.js'

/** The CEO's words carry a marker each, so a test can tell them from everyone else's. */
const CEO = (topic: string): string =>
  `CEOVOICE Thanks for the question about ${topic}. We built this business patiently, one customer at a time, and we keep our promises to owners. ` +
  `I would rather grow steadily for a decade than sprint for a quarter, and ${topic} is exactly where that patience pays.`
const CFO = (topic: string): string =>
  `CFOVOICE On ${topic}, gross margin was 41.2 percent and we expect operating expenses to rise modestly next quarter.`

/** A four-speaker earnings call: operator, CEO, CFO, analyst; `layout` picks how turns are headed. */
function call(layout: 'dashed' | 'colon' | 'en-dash', quarter: string): string[] {
  const head = (name: string, title: string): string =>
    layout === 'dashed' ? `${name} -- ${title}` : layout === 'en-dash' ? `${name} – ${title}` : `${name.toUpperCase()}:`
  const turn = (name: string, title: string, text: string): string[] =>
    layout === 'colon' ? [`${head(name, title)} ${text}`] : [head(name, title), text]
  const lines = [
    `Harbor Freightways ${quarter} Earnings Call`,
    'Call participants:',
    'Maria Lindqvist -- Chief Executive Officer',
    'Tom Becker -- Chief Financial Officer',
    'Priya Nair -- Analyst, Northbridge Securities',
    ...turn('Operator', 'Operator', 'Good day and welcome to the call. I will now hand over to the CEO.'),
    ...turn('Maria Lindqvist', 'Chief Executive Officer', CEO(`our ${quarter} prepared remarks`)),
    ...turn('Tom Becker', 'Chief Financial Officer', CFO(`the ${quarter} results`)),
    ...turn('Operator', 'Operator', 'Our first question comes from Priya Nair with Northbridge Securities.'),
    ...turn('Priya Nair', 'Analyst, Northbridge Securities', `How are you thinking about cold-chain capacity in ${quarter}?`),
    ...turn('Maria Lindqvist', 'Chief Executive Officer', CEO(`cold-chain capacity in ${quarter}`)),
    ...turn('Priya Nair', 'Analyst, Northbridge Securities', `And what should we expect for fuel costs?`),
    ...turn('Tom Becker', 'Chief Financial Officer', CFO('fuel costs')),
    ...turn('Maria Lindqvist', 'Chief Executive Officer', CEO(`fuel costs after ${quarter}`)),
  ]
  return lines
}

describe('transcript turns', () => {
  it.each(['dashed', 'colon', 'en-dash'] as const)(
    'finds the four speakers in the %s layout and pairs the CEO with the questions',
    (layout) => {
      const transcript = parseTranscript(call(layout, 'Q3').join('\n'))
      expect(new Set(transcript.turns.map((t) => t.speaker))).toEqual(new Set(['Operator', 'Maria Lindqvist', 'Tom Becker', 'Priya Nair']))
      const ceo = matchSpeakers(transcript, 'CEO')
      expect([...ceo]).toEqual(['Maria Lindqvist'])
      expect([...matchSpeakers(transcript, 'lindqvist')]).toEqual(['Maria Lindqvist'])
      const pairs = speakerTurns(transcript, ceo)
      expect(pairs.map((p) => p.question)).toEqual([
        undefined,
        'How are you thinking about cold-chain capacity in Q3?',
        'And what should we expect for fuel costs?',
      ])
      expect(pairs.every((p) => p.answer.startsWith('CEOVOICE'))).toBe(true)
    },
  )

  it('does not take a label such as "Revenue:" or a letter\'s salutation for a speaker', () => {
    const letter = parseTranscript('Dear Shareholders:\nRevenue: up 12 percent.\nWe had a good year.')
    expect(new Set(letter.turns.map((t) => t.speaker)).size).toBeLessThan(2)
  })
})

describe('voice samples from transcripts', () => {
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-transcripts-'))
    const samples = path.join(dir, 'lindqvist')
    fs.mkdirSync(samples)
    fs.writeFileSync(path.join(samples, 'q1-call.txt'), call('dashed', 'Q1').join('\n'))
    fs.writeFileSync(
      path.join(samples, 'q2-call.html'),
      `<html><body>${call('en-dash', 'Q2')
        .map((l) => `<p>${l}</p>`)
        .join('\n')}</body></html>`,
    )
    fs.writeFileSync(path.join(samples, 'q3-call.docx'), await makeDocx(call('colon', 'Q3')))
    // a letter by the CEO: no speaker turns, kept whole
    fs.writeFileSync(
      path.join(samples, 'letter.docx'),
      await makeDocx(['# Letter to owners', `Dear owners, ${CEO('the year behind us')}`, CEO('the year ahead')]),
    )
    // a call where she does not speak
    fs.writeFileSync(
      path.join(samples, 'other-call.txt'),
      ['Operator: Welcome.', 'John Smith -- Chief Executive Officer', CFO('nothing'), 'Jane Roe -- Analyst', 'What about margins?'].join(
        '\n',
      ),
    )
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('finetune prepare --speaker CEO keeps only her turns, pairs her answers with the analyst questions, and counts turns per speaker', async () => {
    const out = path.join(dir, 'ds')
    const run = await runCommand(prepare, [
      path.join(dir, 'lindqvist'),
      '--out',
      out,
      '--speaker',
      'Maria Lindqvist',
      '--offline',
      '--min-words',
      '20',
      '--validation-fraction',
      '0',
      '--json',
    ])
    expect(run.stderr).toBe('')
    const examples = fs
      .readFileSync(path.join(out, 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] })
    const answers = examples.map((e) => e.messages[2]?.content ?? '')
    expect(answers.length).toBeGreaterThan(0)
    expect(answers.every((a) => a.includes('CEOVOICE'))).toBe(true)
    expect(answers.some((a) => /CFOVOICE|Good day|Northbridge/.test(a))).toBe(false)
    const prompts = examples.map((e) => e.messages[1]?.content)
    for (const q of ['Q1', 'Q2', 'Q3']) {
      const i = prompts.indexOf(`How are you thinking about cold-chain capacity in ${q}?`)
      expect(i).toBeGreaterThanOrEqual(0)
      expect(answers[i]).toContain(`cold-chain capacity in ${q}`)
    }
    expect(prompts.filter((p) => p === 'And what should we expect for fuel costs?')).toHaveLength(3)
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as {
      speakers: unknown
      drops: { byReason: Record<string, number> }
    }
    expect(report.speakers).toEqual({
      speaker: 'Maria Lindqvist',
      matched: ['Maria Lindqvist'],
      turns: {
        Operator: { turns: 7, kept: 0 },
        'Maria Lindqvist': { turns: 9, kept: 9 },
        'Tom Becker': { turns: 6, kept: 0 },
        'Priya Nair': { turns: 6, kept: 0 },
        'John Smith': { turns: 1, kept: 0 },
        'Jane Roe': { turns: 1, kept: 0 },
      },
      questionAnswerPairs: 6,
      files: { transcripts: 4, whole: 1 },
    })
    expect(report.drops.byReason.speaker_not_found).toBe(1)
    expect(answers.some((a) => a.includes('the year ahead'))).toBe(true)
  })

  it('models add-voice --speaker CEO takes the style passages from her turns only', async () => {
    const run = await runCommand(
      addVoice,
      ['--name', 'lindqvist', '--samples', path.join(dir, 'lindqvist'), '--speaker', 'CEO', '--json'],
      { RAGTUNE_DATA_DIR: path.join(dir, 'data') },
    )
    expect(run.code).toBe(0)
    const summary = run.lastJson() as { passages: number; speakers: { matched: string[]; turns: Record<string, { kept: number }> } }
    expect(summary.passages).toBeGreaterThan(0)
    // "CEO" is also John Smith's title in the call she is absent from
    expect(summary.speakers.matched).toEqual(['John Smith', 'Maria Lindqvist'])
    expect(summary.speakers.turns['Tom Becker']?.kept).toBe(0)
  })
})
