import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { capture as sink } from '../support/capture-stream.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { CASH_FLOW_PAGE, writeFiling } from './filing-fixtures.js'

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink()
  const stderr = sink()
  // parse on the main thread: the test stays quick and needs no worker start-up
  const code = await main(args, { stdout, stderr, env: { RAGTUNE_INGEST_WORKERS: '0' } })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

let dir: string
let pdfs: string
let questions: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-eval-test-'))
  pdfs = path.join(dir, 'pdfs')
  fs.mkdirSync(pdfs)
  await writeFiling(pdfs, { file: 'ZEPHYR_2021_10K.pdf', registrant: 'Zephyr Tools Corporation', year: 2021, capex: '1,577' })
  await writeFiling(pdfs, { file: 'ORION_2021_10K.pdf', registrant: 'Orion Foods, Inc.', year: 2021, capex: '2,468' })
  const q = (question: string, doc: string, page: number) =>
    JSON.stringify({ question, doc_name: doc, evidence: [{ evidence_page_num: page }] })
  questions = path.join(dir, 'questions.jsonl')
  fs.writeFileSync(
    questions,
    [
      q('What is the FY2021 capital expenditure amount for Zephyr Tools?', 'ZEPHYR_2021_10K', CASH_FLOW_PAGE - 1),
      q('What is the FY2021 capital expenditure amount for Orion Foods?', 'ORION_2021_10K', CASH_FLOW_PAGE - 1),
      '{"question": "no evidence here", "doc_name": "ORION_2021_10K"}',
      q('What is the FY2021 capital expenditure for Vega Mining?', 'VEGA_2021_10K', 3),
      'not json',
    ].join('\n'),
  )
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('ragtune eval retrieval', () => {
  it('prints recall@k and MRR as its last JSON line, reporting bad lines and going on', async () => {
    const { code, stdout } = await run(['eval', 'retrieval', '--questions', questions, '--pdfs', pdfs, '--json', '--details'])
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.filter((l) => l.type === 'question-skipped').map((l) => (l.error as { code: string }).code)).toEqual([
      'invalid_question',
      'invalid_json',
    ])
    expect(lines.find((l) => l.type === 'ingest')).toMatchObject({ files: 2, ingested: 2, failed: 0 })
    const details = lines.filter((l) => l.type === 'question')
    expect(details.map((d) => d.rank)).toEqual([1, 1, null])
    // Vega is not in the store: its question names no stored issuer and is not routed
    expect(lines.find((l) => l.type === 'routing')).toEqual({ type: 'routing', right: 2, wrong: 0, none: 1 })
    // the missing PDF counts as not found: 2 of 3
    expect(lines.at(-1)).toEqual({ questions: 3, recall: { '1': 0.667, '3': 0.667, '5': 0.667, '10': 0.667 }, mrr: 0.667 })
    expect(code).toBe(1)
  })

  it('reuses a --store between runs without parsing unchanged PDFs again', async () => {
    const store = path.join(dir, 'store')
    const first = await run(['eval', 'retrieval', '--questions', questions, '--pdfs', pdfs, '--json', '--store', store])
    const second = await run(['eval', 'retrieval', '--questions', questions, '--pdfs', pdfs, '--json', '--store', store])
    const ingestOf = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.type === 'ingest')
    expect(ingestOf(first.stdout)).toMatchObject({ ingested: 2, unchanged: 0 })
    expect(ingestOf(second.stdout)).toMatchObject({ ingested: 0, unchanged: 2 })
    expect(second.stdout.trim().split('\n').at(-1)).toBe(first.stdout.trim().split('\n').at(-1))
  })

  it.each([
    [['eval', 'retrieval', '--pdfs', '.'], 2, /--questions and --pdfs are both required/],
    [['eval', 'retrieval', '--questions', 'q.jsonl', '--pdfs', '/no/such/dir'], 1, /not a directory/],
    [['eval', 'nonsense'], 2, /unknown eval suite/],
  ])('%j exits %i with a message that says what to do', async (args, exit, message) => {
    const { code, stdout, stderr } = await run(args)
    expect(code).toBe(exit)
    expect(stdout + stderr).toMatch(message)
  })

  it('documents the metric in its help', async () => {
    const { code, stdout } = await run(['eval', 'retrieval', '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/page span contains an evidence page/)
  })
})
