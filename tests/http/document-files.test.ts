import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../support/listening-app.js'
import { sha256Hex } from '../../src/core/ingest/identity.js'
import { postDocuments, waitForIngestion } from '../support/multipart.js'
import { makeReportPdf, TABLE_ROWS } from '../support/pdf-fixtures.js'

async function upload(app: FastifyInstance, name: string, data: Uint8Array | string, fields: Record<string, string> = {}) {
  const accepted = await postDocuments(app, [{ name, data }], fields)
  return waitForIngestion(app, accepted.json<{ jobId: string }>().jobId)
}

describe('originals: files, pages and page images', () => {
  let s: TestApp
  let pdf: Buffer
  let pdf2: Buffer

  beforeAll(async () => {
    s = await startApp({ RAGTUNE_INGEST_WORKERS: '1' })
    pdf = await makeReportPdf({ pages: 3 })
    pdf2 = await makeReportPdf({ pages: 3, edition: 'second' })
    await upload(s.app, 'ACME_2023_10K.pdf', pdf)
    await upload(s.app, 'ACME_2023_10K.pdf', pdf2)
    // Same bytes as acme's first version under another id: one original, two users.
    await upload(s.app, 'copy.pdf', pdf, { documentId: 'acme-copy' })
    await upload(s.app, 'notes.md', '# Notes\n\nWidget revenue grew 9% in 2023.\n')
  })
  afterAll(() => s.close())

  it('keeps each original once, content-addressed, readable only by the owner', () => {
    const file = path.join(s.dir, 'originals', sha256Hex(pdf).slice(0, 2), sha256Hex(pdf))
    expect(fs.readFileSync(file).equals(pdf)).toBe(true)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it('lists the kept versions and serves each version’s own bytes with its content type', async () => {
    const list = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions' })
    expect(list.json<{ versions: { version: number; sha256: string }[] }>().versions.map((v) => [v.version, v.sha256])).toEqual([
      [2, sha256Hex(pdf2)],
      [1, sha256Hex(pdf)],
    ])
    const v1 = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/1/file' })
    expect(v1.statusCode).toBe(200)
    expect(v1.headers['content-type']).toBe('application/pdf')
    expect(v1.headers['accept-ranges']).toBe('bytes')
    expect(v1.rawPayload.equals(pdf)).toBe(true)
    const v2 = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/2/file' })
    expect(v2.rawPayload.equals(pdf2)).toBe(true)
    const md = await s.app.inject({ method: 'GET', url: '/v1/documents/notes/versions/1/file' })
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8')
    expect(md.headers['content-security-policy']).toBe('sandbox')
    const none = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/3/file' })
    expect(none.statusCode).toBe(404)
    expect(none.json()).toMatchObject({ error: { code: 'original_not_found' } })
  })

  it('answers byte ranges with 206 and an unsatisfiable range with 416', async () => {
    const part = await s.app.inject({
      method: 'GET',
      url: '/v1/documents/acme_2023_10k/versions/1/file',
      headers: { range: 'bytes=100-199' },
    })
    expect(part.statusCode).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 100-199/${pdf.length}`)
    expect(part.rawPayload.equals(pdf.subarray(100, 200))).toBe(true)
    const tail = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/1/file', headers: { range: 'bytes=-50' } })
    expect(tail.statusCode).toBe(206)
    expect(tail.rawPayload.equals(pdf.subarray(pdf.length - 50))).toBe(true)
    const beyond = await s.app.inject({
      method: 'GET',
      url: '/v1/documents/acme_2023_10k/versions/1/file',
      headers: { range: `bytes=${pdf.length}-` },
    })
    expect(beyond.statusCode).toBe(416)
    expect(beyond.headers['content-range']).toBe(`bytes */${pdf.length}`)
    expect(beyond.json()).toMatchObject({ error: { code: 'range_not_satisfiable' } })
  })

  it('serves a page’s cleaned text, the text chunks cite', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/2/pages/3' })
    expect(res.statusCode).toBe(200)
    const page = res.json<{ text: string; pages: number; imageUrl: string }>()
    expect(page.pages).toBe(3)
    expect(page.text).toContain(TABLE_ROWS[3]?.[0])
    expect(page.imageUrl).toBe('/v1/documents/acme_2023_10k/versions/2/pages/3?format=png')
    const md = await s.app.inject({ method: 'GET', url: '/v1/documents/notes/versions/1/pages/1?format=text' })
    expect(md.body).toContain('Widget revenue grew 9% in 2023.')
    expect(md.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect((await s.app.inject({ method: 'GET', url: '/v1/documents/notes/versions/1/pages/1?format=png' })).json()).toMatchObject({
      error: { code: 'not_a_pdf' },
    })
    expect((await s.app.inject({ method: 'GET', url: '/v1/documents/notes/versions/1/pages/2' })).json()).toMatchObject({
      error: { code: 'page_not_found' },
    })
  })

  it('renders a PDF page as a PNG of the asked width once, then serves it from the cache', async () => {
    const first = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/1/pages/2?format=png&width=400' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe('image/png')
    expect(first.headers['x-cache']).toBe('miss')
    expect(first.rawPayload.subarray(1, 4).toString()).toBe('PNG')
    expect(first.rawPayload.readUInt32BE(16)).toBe(400)
    const again = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/1/pages/2?format=png&width=400' })
    expect(again.headers['x-cache']).toBe('hit')
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true)
    for (const bad of ['width=50', 'width=2401', 'width=wide']) {
      expect(
        (await s.app.inject({ method: 'GET', url: `/v1/documents/acme_2023_10k/versions/1/pages/2?format=png&${bad}` })).statusCode,
      ).toBe(400)
    }
    const words = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/1/pages/3?format=words' })
    const boxes = words.json<{ width: number; words: [number, number, number, number, string][] }>()
    expect(boxes.width).toBe(612)
    expect(boxes.words.map((w) => w[4])).toContain('Industrial')
  })

  it('lists the chunks found on a page', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/chunks?page=3' })
    const body = res.json<{ version: number; chunks: { pageStart: number; pageEnd: number; text: string }[] }>()
    expect(body.version).toBe(2)
    expect(body.chunks.length).toBeGreaterThan(0)
    for (const c of body.chunks) expect(c.pageStart <= 3 && 3 <= c.pageEnd).toBe(true)
    expect(body.chunks.some((c) => c.text.includes('Total net sales'))).toBe(true)
    const all = (await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/chunks' })).json<{ chunks: unknown[] }>()
    expect(all.chunks.length).toBeGreaterThan(body.chunks.length)
  })

  it('corrects metadata by re-ingesting the kept original as a new version', async () => {
    const bad = await s.app.inject({ method: 'PATCH', url: '/v1/documents/notes', payload: { fiscalQuarter: 7 } })
    expect(bad.statusCode).toBe(400)
    const res = await s.app.inject({
      method: 'PATCH',
      url: '/v1/documents/notes',
      payload: { company: 'Globex', fiscalYear: 2022, title: 'Globex notes' },
    })
    expect(res.statusCode).toBe(202)
    await waitForIngestion(s.app, res.json<{ jobId: string }>().jobId)
    const doc = (await s.app.inject({ method: 'GET', url: '/v1/documents/notes' })).json()
    expect(doc).toMatchObject({ activeVersion: 2, meta: { title: 'Globex notes', company: 'Globex', fiscalYear: 2022 } })
    // The new version has the same bytes, so the same original.
    const versions = (await s.app.inject({ method: 'GET', url: '/v1/documents/notes/versions' })).json<{ versions: { sha256: string }[] }>()
      .versions
    expect(versions).toHaveLength(2)
    expect(versions[0]?.sha256).toBe(versions[1]?.sha256)
    expect((await s.app.inject({ method: 'PATCH', url: '/v1/documents/nope', payload: { company: 'X' } })).statusCode).toBe(404)
  })

  it('deletes a document’s originals only when no other version uses them', async () => {
    const sha1 = sha256Hex(pdf)
    const sha2 = sha256Hex(pdf2)
    const fileOf = (sha: string): string => path.join(s.dir, 'originals', sha.slice(0, 2), sha)
    expect((await s.app.inject({ method: 'DELETE', url: '/v1/documents/acme_2023_10k' })).statusCode).toBe(200)
    expect(fs.existsSync(fileOf(sha2))).toBe(false)
    // acme-copy still uses the first version's bytes, and its page images stay.
    expect(fs.existsSync(fileOf(sha1))).toBe(true)
    expect((await s.app.inject({ method: 'GET', url: '/v1/documents/acme-copy/versions/1/file' })).rawPayload.equals(pdf)).toBe(true)
    expect((await s.app.inject({ method: 'GET', url: '/v1/documents/acme_2023_10k/versions/1/file' })).statusCode).toBe(404)
    expect((await s.app.inject({ method: 'DELETE', url: '/v1/documents/acme-copy' })).statusCode).toBe(200)
    expect(fs.existsSync(fileOf(sha1))).toBe(false)
    expect(fs.existsSync(path.join(s.dir, 'page-cache', sha1.slice(0, 2), sha1))).toBe(false)
  })
})
