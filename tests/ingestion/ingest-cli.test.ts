import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { makeReportPdf, randomBytes } from '../support/pdf-fixtures.js'

class Capture extends Writable {
  text = ''
  isTTY: boolean
  columns = 100
  constructor(tty = false) {
    super()
    this.isTTY = tty
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString()
    cb()
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  }
}

describe('ragtune ingest / documents (CLI)', () => {
  let dir: string
  let inputs: string
  const env = { RAGTUNE_INGEST_WORKERS: '0' }
  const cli = async (args: string[], tty = false) => {
    const stdout = new Capture(tty)
    const stderr = new Capture()
    const code = await main(['--data-dir', path.join(dir, 'data'), ...args], { env, stdout, stderr })
    return { code, stdout, stderr }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-cli-'))
    inputs = path.join(dir, 'in')
    fs.mkdirSync(inputs)
    fs.writeFileSync(path.join(inputs, 'ACME_2023_10K.pdf'), await makeReportPdf({ pages: 3 }))
    fs.writeFileSync(path.join(inputs, 'broken.pdf'), randomBytes(2048))
    fs.writeFileSync(path.join(inputs, 'memo.md'), '# Memo\n\nWidget prices rise in May.')
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('prints one JSON line per file and a summary; exit 1 when a file failed', async () => {
    const { code, stdout } = await cli(['ingest', inputs, '--json'])
    expect(code).toBe(1)
    const lines = stdout.lines()
    const files = lines.filter((l) => 'file' in l)
    expect(files).toHaveLength(3)
    for (const l of files) expect(Object.keys(l).sort()).toEqual(['chunks', 'documentId', 'error', 'file', 'pages', 'status', 'version'])
    expect(files.find((l) => String(l.file).endsWith('broken.pdf'))).toMatchObject({
      status: 'failed',
      version: null,
      error: { code: 'invalid_pdf' },
    })
    expect(files.find((l) => String(l.file).endsWith('ACME_2023_10K.pdf'))).toMatchObject({
      status: 'ingested',
      documentId: 'acme_2023_10k',
      version: 1,
      pages: 3,
      error: null,
    })
    expect(lines.at(-1)).toMatchObject({ summary: { files: 3, ingested: 2, unchanged: 0, failed: 1, pages: 4 } })
    expect(Object.keys((lines.at(-1) as { summary: object }).summary).sort()).toEqual([
      'chunks',
      'failed',
      'files',
      'ingested',
      'pages',
      'seconds',
      'skipped',
      'unchanged',
    ])
  })

  it('exit 0 when nothing failed; unchanged files are reported as such', async () => {
    const { code, stdout } = await cli(['ingest', path.join(inputs, 'ACME_2023_10K.pdf'), path.join(inputs, 'memo.md')])
    expect(code).toBe(0)
    expect(
      stdout
        .lines()
        .filter((l) => 'file' in l)
        .map((l) => l.status),
    ).toEqual(['unchanged', 'unchanged'])
  })

  it('takes --doc-id and metadata overrides for one file; refuses --doc-id with several', async () => {
    const one = await cli([
      'ingest',
      path.join(inputs, 'memo.md'),
      '--doc-id',
      'pricing-memo',
      '--company',
      'Acme',
      '--year',
      '2024',
      '--json',
    ])
    expect(one.code).toBe(0)
    expect(one.stdout.lines()[0]).toMatchObject({ documentId: 'pricing-memo', status: 'ingested' })
    const show = await cli(['documents', 'show', 'pricing-memo', '--json'])
    expect(show.stdout.lines()[0]).toMatchObject({ id: 'pricing-memo', meta: { company: 'Acme', fiscalYear: 2024 } })
    const many = await cli(['ingest', inputs, '--doc-id', 'x', '--json'])
    expect(many.code).toBe(2)
    expect(many.stdout.lines()[0]).toMatchObject({ error: { code: 'invalid_arguments' } })
    const badYear = await cli(['ingest', inputs, '--year', 'last', '--json'])
    expect(badYear.code).toBe(2)
  })

  it('draws progress on a TTY and ends with a human summary', async () => {
    fs.writeFileSync(path.join(inputs, 'memo.md'), '# Memo\n\nWidget prices rise in June.')
    const { code, stdout } = await cli(['ingest', path.join(inputs, 'memo.md')], true)
    expect(code).toBe(0)
    expect(stdout.text).toContain('✓')
    expect(stdout.text).toMatch(/\[#*\.*\]\s+\d+%/)
    expect(stdout.text).toMatch(/1 files: 1 ingested, 0 unchanged, 0 failed/)
  })

  it('lists, shows and deletes documents', async () => {
    const list = await cli(['documents', 'list', '--json'])
    expect(list.code).toBe(0)
    const ids = (list.stdout.lines()[0] as { documents: { id: string }[] }).documents.map((d) => d.id)
    expect(ids).toEqual(expect.arrayContaining(['acme_2023_10k', 'memo', 'pricing-memo']))
    const del = await cli(['documents', 'delete', 'memo', '--json'])
    expect(del.stdout.lines()[0]).toEqual({ id: 'memo', collection: 'default', deleted: true })
    const gone = await cli(['documents', 'show', 'memo', '--json'])
    expect(gone.code).toBe(1)
    expect(gone.stdout.lines()[0]).toMatchObject({ error: { code: 'document_not_found' } })
    expect((await cli(['documents', 'frobnicate'])).code).toBe(2)
  })
})
