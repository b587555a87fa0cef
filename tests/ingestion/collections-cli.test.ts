import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { capture } from '../support/capture-stream.js'

// The CLI end to end over one data dir: the same file name ingested into two collections is two documents;
// ask, documents and collections act per collection; a key made with --collections sees only those.
describe('ragtune --collection / collections (CLI)', () => {
  let dir: string
  const cli = async (...args: string[]) => {
    const stdout = capture()
    const stderr = capture()
    const code = await main(['--data-dir', path.join(dir, 'data'), ...args], { env: { RAGTUNE_INGEST_WORKERS: '0' }, stdout, stderr })
    return {
      code,
      out: stdout.text(),
      err: stderr.text(),
      json: () => JSON.parse(stdout.text().trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>,
    }
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-collections-cli-'))
    fs.mkdirSync(path.join(dir, 'ir'))
    fs.mkdirSync(path.join(dir, 'legal'))
    fs.writeFileSync(path.join(dir, 'ir', 'memo.txt'), 'Investor relations memo. Orion Tools raised its dividend to 42 cents per share.')
    fs.writeFileSync(path.join(dir, 'legal', 'memo.txt'), 'Legal memo. Orion Tools settled the patent case for 9 million dollars.')
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('ingests, asks, lists and deletes per collection', async () => {
    expect((await cli('ingest', '--collection', 'ir', path.join(dir, 'ir'), '--json')).code).toBe(0)
    expect((await cli('ingest', '--collection', 'legal', path.join(dir, 'legal'), '--json')).code).toBe(0)
    expect((await cli('ingest', '--collection', 'Not/Valid', path.join(dir, 'ir'), '--json')).code).not.toBe(0)

    const list = await cli('collections', 'list', '--json')
    expect(list.json()).toEqual({
      collections: [
        { name: 'ir', documents: 1 },
        { name: 'legal', documents: 1 },
      ],
    })
    const docs = await cli('documents', 'list', '--collection', 'legal', '--json')
    expect((docs.json().documents as { id: string; collection: string }[]).map((d) => `${d.collection}:${d.id}`)).toEqual(['legal:memo'])

    const irAnswer = await cli('ask', 'What did Orion Tools settle the patent case for?', '--collection', 'ir', '--json')
    expect(JSON.stringify(irAnswer.json())).not.toContain('9 million')
    const legalAnswer = await cli('ask', 'What did Orion Tools settle the patent case for?', '--collection', 'legal', '--json')
    expect(JSON.stringify(legalAnswer.json())).toContain('9 million')
    expect((legalAnswer.json().citations as { documentId: string }[])[0]?.documentId).toBe('legal/memo')

    expect((await cli('documents', 'show', 'memo', '--json')).code).not.toBe(0)
    expect((await cli('documents', 'show', 'memo', '--collection', 'ir', '--json')).json()).toMatchObject({ id: 'memo', collection: 'ir' })

    const refused = await cli('collections', 'delete', 'ir')
    expect(refused.code).not.toBe(0)
    expect(refused.err).toContain('collection_not_empty')
    const forced = await cli('collections', 'delete', 'ir', '--force', '--json')
    expect(forced.json()).toEqual({ name: 'ir', deleted: true, documents: ['memo'] })
    expect((await cli('documents', 'list', '--json')).json().documents).toHaveLength(1)
    expect((await cli('collections', 'create', 'finance', '--json')).json()).toEqual({ name: 'finance', created: true })
    expect((await cli('collections', 'create', 'finance')).code).not.toBe(0)
  })

  it('makes keys limited to collections', async () => {
    const made = await cli('keys', 'create', '--scope', 'query', '--collections', 'ir,legal', '--json')
    expect(made.json()).toMatchObject({ scope: 'query', collections: ['ir', 'legal'] })
    expect((await cli('keys', 'create', '--scope', 'query', '--collections', 'IR!', '--json')).code).not.toBe(0)
    const all = await cli('keys', 'create', '--scope', 'admin', '--json')
    expect(all.json()).toMatchObject({ collections: null })
  })
})
