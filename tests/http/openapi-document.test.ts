import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../support/listening-app.js'
import { postDocuments } from '../support/multipart.js'

interface Operation {
  summary?: string
  tags?: string[]
  requestBody?: {
    content: Record<
      string,
      { schema: { type?: string; properties?: Record<string, { type?: string; items?: { format?: string } }>; required?: string[] } }
    >
  }
}

describe('the OpenAPI document', () => {
  let s: TestApp
  let doc: { paths: Record<string, Record<string, Operation>>; tags: { name: string }[] }

  beforeAll(async () => {
    s = await startApp()
    doc = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json()
  })
  afterAll(() => s.close())

  it('describes the upload as a multipart body with binary file parts, so /docs can upload', () => {
    const upload = doc.paths['/v1/documents']?.post
    const form = upload?.requestBody?.content['multipart/form-data']?.schema
    expect(form?.type).toBe('object')
    expect(form?.properties?.file).toMatchObject({ type: 'array', items: { type: 'string', format: 'binary' } })
    expect(form?.required).toEqual(['file'])
    expect(Object.keys(form?.properties ?? {})).toEqual(expect.arrayContaining(['documentId', 'title', 'company', 'fiscalYear']))
    expect(upload?.requestBody?.content['application/json']).toBeUndefined()
  })

  it('gives every route a summary and a declared tag (none under "default")', () => {
    const declared = new Set(doc.tags.map((t) => t.name))
    const operations = Object.entries(doc.paths).flatMap(([url, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method} ${url}`, op })),
    )
    expect(operations.length).toBeGreaterThanOrEqual(8)
    for (const { route, op } of operations) {
      expect(op.summary, route).toMatch(/\w{3,}/)
      expect(op.tags, route).toHaveLength(1)
      expect(declared.has(op.tags?.[0] ?? ''), route).toBe(true)
    }
    expect(doc.paths['/v1/documents']?.post?.tags).toEqual(['documents'])
    expect(doc.paths['/v1/ask']?.post?.tags).toEqual(['answers'])
  })

  it('the upload still takes a real multipart body, and still refuses JSON with 415', async () => {
    const up = await postDocuments(s.app, [{ name: 'memo.md', data: '# Memo\n\nWidget prices rise in May.' }], { title: 'Memo' })
    expect(up.statusCode).toBe(202)
    expect(up.json()).toHaveProperty('jobId')
    const json = await s.app.inject({ method: 'POST', url: '/v1/documents', payload: { file: 'x' } })
    expect(json.statusCode).toBe(415)
    expect(json.json().error.code).toBe('unsupported_media_type')
  })
})
