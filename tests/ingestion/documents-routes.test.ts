import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../support/listening-app.js'
import { makeLongPdf, makeReportPdf, randomBytes } from '../support/pdf-fixtures.js'
import { postDocuments, waitForIngestion } from '../support/multipart.js'

describe('document and ingestion routes', () => {
  let s: TestApp
  let pdf: Buffer

  const waitForJob = (id: string) => waitForIngestion(s.app, id, { everyMs: 100 })

  beforeAll(async () => {
    s = await startApp({ RAGTUNE_MAX_FILE_MB: '1' })
    pdf = await makeReportPdf({ pages: 3 })
  })
  afterAll(() => s.close())

  it('accepts an upload with 202 and a job id, then ingests it in the background', async () => {
    const res = await postDocuments(
      s.app,
      [
        { name: 'ACME_2023_10K.pdf', data: pdf },
        { name: 'junk.pdf', data: randomBytes(3000) },
      ],
      { company: 'Acme Widgets' },
    )
    expect(res.statusCode).toBe(202)
    const accepted = res.json<{ jobId: string; files: string[]; statusUrl: string }>()
    expect(accepted.files).toEqual(['ACME_2023_10K.pdf', 'junk.pdf'])
    expect(accepted.statusUrl).toBe(`/v1/ingestions/${accepted.jobId}`)
    const job = await waitForJob(accepted.jobId)
    expect(job).toMatchObject({
      status: 'succeeded',
      origin: 'http',
      filesTotal: 2,
      filesDone: 2,
      pagesDone: 3,
      pagesTotal: 3,
      percent: 100,
    })
    const results = job.results as { file: string; status: string; error?: { code: string } }[]
    expect(results.find((r) => r.file === 'ACME_2023_10K.pdf')).toMatchObject({ status: 'ingested' })
    expect(results.find((r) => r.file === 'junk.pdf')).toMatchObject({ status: 'failed', error: { code: 'invalid_pdf' } })
    // The staged upload is removed once its job ends.
    for (let i = 0; i < 50 && fs.existsSync(path.join(s.dir, 'uploads', accepted.jobId)); i++) await new Promise((r) => setTimeout(r, 50))
    expect(fs.existsSync(path.join(s.dir, 'uploads', accepted.jobId))).toBe(false)
  })

  it('lists, shows and deletes documents', async () => {
    const list = await s.app.inject({ method: 'GET', url: '/v1/documents' })
    expect(list.statusCode).toBe(200)
    expect(list.json<{ documents: { id: string }[] }>().documents.map((d) => d.id)).toEqual(['acme_2023_10k'])
    const one = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k' })
    expect(one.json()).toMatchObject({
      id: 'acme_2023_10k',
      activeVersion: 1,
      pages: 3,
      meta: { company: 'Acme Widgets', fiscalYear: 2023, docType: '10-K' },
    })
    expect(Object.keys(one.json())).not.toContain('fingerprint')
    const del = await s.app.inject({ method: 'DELETE', url: '/v1/documents/acme_2023_10k' })
    expect(del.json()).toEqual({ id: 'acme_2023_10k', collection: 'default', deleted: true })
    const gone = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k' })
    expect(gone.statusCode).toBe(404)
    expect(gone.json()).toMatchObject({ error: { code: 'document_not_found' } })
    expect((await s.app.inject({ method: 'DELETE', url: '/v1/documents/acme_2023_10k' })).statusCode).toBe(404)
  })

  it('uses documentId and answers unchanged for the same upload', async () => {
    for (const expected of ['ingested', 'unchanged']) {
      const res = await postDocuments(s.app, [{ name: 'notes.txt', data: 'Widget prices rise in May, the memo says.' }], {
        documentId: 'may-memo',
      })
      const job = await waitForJob(res.json<{ jobId: string }>().jobId)
      expect((job.results as { status: string; documentId: string }[])[0]).toMatchObject({ status: expected, documentId: 'may-memo' })
    }
  })

  it('reads the type from the bytes: an HTML file named .pdf is ingested as HTML, an image is refused with 415 and nothing is stored', async () => {
    const before = (await s.deps.corpus.listDocuments()).map((d) => d.id)
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1])
    const refused = await postDocuments(s.app, [
      { name: 'fine.txt', data: 'a fine memo' },
      { name: 'chart.pdf.png', data: png },
    ])
    expect(refused.statusCode).toBe(415)
    expect(refused.json()).toMatchObject({ error: { code: 'unsupported_type', message: expect.stringMatching(/chart\.pdf\.png.*\.docx/) } })
    expect((await s.deps.corpus.listDocuments()).map((d) => d.id)).toEqual(before)

    const html = '<!doctype html><html><body><h1>Board memo</h1><p>The board approved a dividend of 42 cents.</p></body></html>'
    const res = await postDocuments(s.app, [{ name: 'board-memo.pdf', data: html }])
    expect(res.statusCode).toBe(202)
    const job = await waitForJob(res.json<{ jobId: string }>().jobId)
    expect((job.results as unknown[])[0]).toMatchObject({ status: 'ingested', documentId: 'board-memo', pages: 1 })
    expect((await s.deps.corpus.getDocument('board-memo'))?.meta.units).toEqual({ kind: 'section', names: ['Board memo'] })
  })

  it('rejects bad requests with stable codes', async () => {
    const notMultipart = await s.app.inject({ method: 'POST', url: '/v1/documents', payload: { a: 1 } })
    expect(notMultipart.statusCode).toBe(415)
    expect(notMultipart.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
    const noFile = await postDocuments(s.app, [], { title: 'x' })
    expect(noFile.statusCode).toBe(400)
    expect(noFile.json()).toMatchObject({ error: { code: 'no_files' } })
    const twoWithId = await postDocuments(
      s.app,
      [
        { name: 'a.txt', data: 'aaa aaa' },
        { name: 'b.txt', data: 'bbb bbb' },
      ],
      { documentId: 'one' },
    )
    expect(twoWithId.json()).toMatchObject({ error: { code: 'invalid_arguments' } })
    const badYear = await postDocuments(s.app, [{ name: 'a.txt', data: 'aaa' }], { fiscalYear: 'soon' })
    expect(badYear.json()).toMatchObject({ error: { code: 'invalid_arguments' } })
    const missingJob = await s.app.inject({ method: 'GET', url: '/v1/ingestions/nope' })
    expect(missingJob.statusCode).toBe(404)
    expect(missingJob.json()).toMatchObject({ error: { code: 'job_not_found' } })
  })

  it('records an oversized upload as file_too_large and ingests the other file', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10)
    const res = await postDocuments(s.app, [
      { name: 'big.txt', data: big },
      { name: 'small.txt', data: 'small but fine text' },
    ])
    expect(res.statusCode).toBe(202)
    const job = await waitForJob(res.json<{ jobId: string }>().jobId)
    const results = job.results as { file: string; status: string; error?: { code: string } }[]
    expect(results.find((r) => r.file === 'big.txt')).toMatchObject({ status: 'failed', error: { code: 'file_too_large' } })
    expect(
      results.find((r) => r.file === 'small.txt'),
      JSON.stringify(results),
    ).toMatchObject({ status: 'ingested' })
  })

  it('counts the files, pages and chunks of upload jobs in /metrics', async () => {
    const scrape = async (): Promise<string> => (await s.app.inject({ method: 'GET', url: '/metrics' })).body
    const value = (text: string, series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `))
      return line === undefined ? 0 : Number(line.slice(series.length + 1))
    }
    const before = await scrape()
    expect(before).toContain('ragtune_ingest_queue_depth 0')

    const good = await postDocuments(s.app, [{ name: 'metrics-report.pdf', data: await makeLongPdf(4, 'metrics') }])
    const done = await waitForJob(good.json<{ jobId: string }>().jobId)
    expect(done).toMatchObject({ status: 'succeeded', pagesTotal: 4, percent: 100 })
    // a job whose only file fails ends `failed`: its percent is the computed one, not the success value
    const bad = await postDocuments(s.app, [{ name: 'metrics-junk.pdf', data: randomBytes(2000, 11) }])
    expect(await waitForJob(bad.json<{ jobId: string }>().jobId)).toMatchObject({
      status: 'failed',
      filesDone: 1,
      filesTotal: 1,
      percent: 100,
    })

    const after = await scrape()
    const moved = (series: string): number => value(after, series) - value(before, series)
    expect(moved('ragtune_ingest_files_total{status="ingested"}')).toBe(1)
    expect(moved('ragtune_ingest_files_total{status="failed"}')).toBe(1)
    expect(moved('ragtune_ingest_pages_total')).toBe(4)
    expect(moved('ragtune_ingest_chunks_total')).toBe((done.results as { chunks: number }[])[0]!.chunks)
    expect(moved('ragtune_ingest_chunks_total')).toBeGreaterThan(0)
    expect(moved('ragtune_ingest_file_duration_seconds_count')).toBe(1)
  })
})
