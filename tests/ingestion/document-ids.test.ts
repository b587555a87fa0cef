import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, startListeningApp, type ListeningApp, type TestApp } from '../support/listening-app.js'
import { main } from '../../bin/cli.js'
import { deriveDocumentId, isValidDocumentId } from '../../src/core/ingest/identity.js'
import { capture } from '../support/capture-stream.js'
import { postDocuments, waitForIngestion } from '../support/multipart.js'

const ALPHA = 'Alpha Corp revenue was 111 million in 2020.\n'
const BETA = 'Beta Corp revenue was 222 million in 2021.\n'

describe('document ids from file names in any script', () => {
  it('transliterates, and falls back to a short name hash when nothing is spellable', () => {
    expect(deriveDocumentId('年度报告.txt')).toBe('niandubaogao')
    expect(deriveDocumentId('отчет.txt')).toBe('otchet')
    expect(deriveDocumentId('/x/3M_2018_10K.pdf')).toBe('3m_2018_10k')
    const a = deriveDocumentId('😀😀.txt')
    const b = deriveDocumentId('🙂.txt')
    for (const id of [a, b, deriveDocumentId('...txt'), deriveDocumentId('Ωмега 年.md')]) expect(isValidDocumentId(id)).toBe(true)
    // emoji transliterate to their names; pure punctuation has nothing to spell
    expect(a).not.toBe(b)
    expect(deriveDocumentId('★★★.txt')).toMatch(/^doc-[0-9a-f]{12}$/)
    expect(deriveDocumentId('★★★.txt')).not.toBe(deriveDocumentId('→→.txt'))
    expect(deriveDocumentId('★★★.txt')).toBe(deriveDocumentId('★★★.md'))
  })
})

describe('ragtune ingest never lets one file replace another by accident', () => {
  let dir: string
  const cli = async (args: string[]) => {
    const stdout = capture()
    const stderr = capture()
    const code = await main(['--data-dir', path.join(dir, 'data'), ...args], { env: { RAGTUNE_INGEST_WORKERS: '0' }, stdout, stderr })
    return { code, out: stdout.text(), err: stderr.text() }
  }
  const lines = (out: string) =>
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-ids-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('gives Chinese and Russian file names their own ids; both stay answerable', async () => {
    const inputs = path.join(dir, 'scripts')
    fs.mkdirSync(inputs)
    fs.writeFileSync(path.join(inputs, '年度报告.txt'), ALPHA)
    fs.writeFileSync(path.join(inputs, 'отчет.txt'), BETA)
    const { code, out } = await cli(['ingest', inputs, '--json'])
    expect(code).toBe(0)
    const files = lines(out).filter((l) => 'file' in l)
    expect(files.map((f) => [f.documentId, f.version, f.status]).sort()).toEqual([
      ['niandubaogao', 1, 'ingested'],
      ['otchet', 1, 'ingested'],
    ])
    const ask = await cli(['ask', 'Alpha Corp revenue', '--json'])
    expect(ask.code).toBe(0)
    const answer = JSON.parse(ask.out) as { answer: string; citations: { documentId: string }[] }
    expect(answer.answer).toMatch(/111 million/)
    expect(answer.citations[0]?.documentId).toBe('niandubaogao')
  })

  it('refuses a different file whose name spells to a held id, unless --doc-id says replace', async () => {
    const other = path.join(dir, 'other')
    fs.mkdirSync(other)
    // another file whose name transliterates to the same id as "отчет.txt"
    const clash = path.join(other, 'ОТЧЕТ.txt')
    fs.writeFileSync(clash, 'Gamma Corp revenue was 333 million in 2022.\n')
    const refused = await cli(['ingest', clash, '--json'])
    expect(refused.code).toBe(1)
    expect(lines(refused.out)[0]).toMatchObject({ status: 'failed', documentId: 'otchet', error: { code: 'document_id_conflict' } })
    expect((lines(refused.out)[0]?.error as { message: string }).message).toMatch(/отчет\.txt.*--doc-id/)
    const kept = JSON.parse((await cli(['ask', 'Beta Corp revenue', '--json'])).out) as { answer: string }
    expect(kept.answer).toMatch(/222 million/)

    const replaced = await cli(['ingest', clash, '--doc-id', 'otchet', '--json'])
    expect(replaced.code).toBe(0)
    expect(lines(replaced.out)[0]).toMatchObject({ status: 'ingested', documentId: 'otchet', version: 2 })
  })

  it('fails the second of two same-named files in one batch instead of making it version 2', async () => {
    const batch = path.join(dir, 'batch')
    fs.mkdirSync(path.join(batch, 'a'), { recursive: true })
    fs.mkdirSync(path.join(batch, 'b'))
    fs.writeFileSync(path.join(batch, 'a', 'notes.txt'), ALPHA)
    fs.writeFileSync(path.join(batch, 'b', 'notes.txt'), BETA)
    const { code, out } = await cli(['ingest', batch, '--json'])
    expect(code).toBe(1)
    const files = lines(out).filter((l) => 'file' in l)
    expect(files.find((f) => String(f.file).endsWith(path.join('a', 'notes.txt')))).toMatchObject({
      status: 'ingested',
      documentId: 'notes',
      version: 1,
    })
    expect(files.find((f) => String(f.file).endsWith(path.join('b', 'notes.txt')))).toMatchObject({
      status: 'failed',
      error: { code: 'document_id_conflict' },
    })
  })
})

describe('uploads keep non-Latin documents apart', () => {
  let s: TestApp

  const upload = async (name: string, data: string) => {
    const reply = await postDocuments(s.app, [{ name, data }])
    expect(reply.statusCode).toBe(202)
    return (await waitForIngestion(s.app, reply.json<{ jobId: string }>().jobId, { tries: 300 })).results[0]
  }

  beforeAll(async () => {
    s = await startApp()
  })
  afterAll(() => s.close())

  it('stores two uploads under two ids and refuses a third that would replace one', async () => {
    expect(await upload('年度报告.txt', ALPHA)).toMatchObject({ status: 'ingested', documentId: 'niandubaogao' })
    expect(await upload('отчет.txt', BETA)).toMatchObject({ status: 'ingested', documentId: 'otchet' })
    expect(await upload('Отчет.txt', 'Gamma Corp revenue was 333 million.\n')).toMatchObject({
      status: 'failed',
      error: { code: 'document_id_conflict' },
    })
    const docs = (await s.app.inject({ url: '/v1/documents' })).json<{ documents: { id: string; activeVersion: number }[] }>().documents
    expect(docs.map((d) => [d.id, d.activeVersion]).sort()).toEqual([
      ['niandubaogao', 1],
      ['otchet', 1],
    ])
    // the same file name again is a new version of its own document, as before
    expect(await upload('отчет.txt', 'Beta Corp revenue was 224 million in 2021.\n')).toMatchObject({
      status: 'ingested',
      documentId: 'otchet',
      version: 2,
    })
  })
})

describe('two uploads that arrive at once', () => {
  let server: ListeningApp
  let base: string

  beforeAll(async () => {
    // two parse workers: both files are parsed at the same time, after both passed the early id check
    server = await startListeningApp({ RAGTUNE_INGEST_WORKERS: '2' })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(() => server.close())

  const upload = async (name: string, data: string, documentId?: string): Promise<Record<string, unknown>> => {
    const form = new FormData()
    form.append('file', new Blob([data]), name)
    if (documentId !== undefined) form.append('documentId', documentId)
    const res = await fetch(`${base}/v1/documents`, { method: 'POST', body: form })
    expect(res.status).toBe(202)
    const { jobId } = (await res.json()) as { jobId: string }
    for (let i = 0; i < 600; i++) {
      const job = (await (await fetch(`${base}/v1/ingestions/${jobId}`)).json()) as { status: string; results: Record<string, unknown>[] }
      if (job.status === 'succeeded' || job.status === 'failed') return job.results[0] ?? {}
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error('job did not finish')
  }

  it('never makes two files whose names spell one id into versions of one document', async () => {
    // several rounds, each with a fresh pair: any interleaving of the two jobs must end the same way
    for (let round = 0; round < 4; round++) {
      const a = `Отчет ${round}.txt`
      const b = `отчет ${round}.txt`
      const results = await Promise.all([
        upload(a, `Alpha Corp revenue was ${100 + round} million in 2020.\n`),
        upload(b, `Beta Corp revenue was ${200 + round} million in 2021.\n`),
      ])
      const id = `otchet-${round}`
      expect(results.map((r) => r.documentId)).toEqual([id, id])
      const statuses = results.map((r) => r.status).sort()
      expect(statuses, JSON.stringify(results)).toEqual(['failed', 'ingested'])
      expect(results.find((r) => r.status === 'failed')).toMatchObject({ error: { code: 'document_id_conflict' } })
      const doc = (await (await fetch(`${base}/v1/documents/${id}`)).json()) as { activeVersion: number }
      expect(doc.activeVersion).toBe(1)
    }
  })

  it('still lets an explicit id replace what it holds', async () => {
    expect(await upload('other name.txt', 'Gamma Corp revenue was 333 million.\n', 'otchet-0')).toMatchObject({
      status: 'ingested',
      documentId: 'otchet-0',
      version: 2,
    })
  })
})
