import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OriginalStore } from '../../src/core/originals.js'
import { sha256Hex } from '../../src/core/ingest/identity.js'

/**
 * The behaviour every OriginalStore shows (files + SQLite, PostgreSQL): bytes kept once per sha256 and
 * read back whole or by range, page texts, versions listed newest first, and an original deleted only
 * with the last version that uses it. `create` gets a fresh temporary directory for its files/cache.
 */
export interface OriginalStoreFactory {
  create(dir: string): Promise<OriginalStore>
  cleanup?(): Promise<void>
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of chunks) parts.push(Buffer.from(c))
  return Buffer.concat(parts)
}

export function describeOriginalStoreContract(name: string, factory: OriginalStoreFactory): void {
  describe(`OriginalStore contract: ${name}`, () => {
    let dir: string
    let store: OriginalStore
    // Bigger than one read slice of any store, with no repeating pattern.
    const a = Buffer.from(Array.from({ length: 1_300_000 }, (_, i) => (i * 7919 + (i >> 11)) & 0xff))
    const b = Buffer.from('second version bytes')
    const file = (bytes: Buffer, name: string): string => {
      const p = path.join(dir, 'in', name)
      fs.mkdirSync(path.dirname(p), { recursive: true })
      fs.writeFileSync(p, bytes)
      return p
    }
    const keep = (documentId: string, version: number, bytes: Buffer, pages: string[]) =>
      store.keep({
        documentId,
        version,
        sha256: sha256Hex(bytes),
        sourceName: `${documentId}.pdf`,
        contentType: 'application/pdf',
        path: file(bytes, `${documentId}-${version}`),
        pages,
      })

    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-originals-contract-'))
      store = await factory.create(dir)
    })
    afterEach(async () => {
      await store.close()
      await factory.cleanup?.()
      fs.rmSync(dir, { recursive: true, force: true })
    })

    it('keeps bytes and page texts under their sha256 and lists versions newest first', async () => {
      await keep('doc', 1, a, ['page one', 'page two'])
      await keep('doc', 2, b, ['only page'])
      await keep('doc', 2, b, ['only page'])
      const versions = await store.versions('doc')
      expect(versions.map((v) => [v.version, v.sha256, v.size, v.pages])).toEqual([
        [2, sha256Hex(b), b.length, 1],
        [1, sha256Hex(a), a.length, 2],
      ])
      expect(await store.find('doc', 1)).toMatchObject({ documentId: 'doc', contentType: 'application/pdf', sourceName: 'doc.pdf' })
      expect(await store.find('doc', 3)).toBeUndefined()
      expect(await store.pageText(sha256Hex(a), 2)).toBe('page two')
      expect(await store.pageText(sha256Hex(a), 3)).toBeUndefined()
    })

    it('reads the whole original, a byte range, and a local file copy', async () => {
      await keep('doc', 1, a, ['p'])
      const sha = sha256Hex(a)
      expect((await collect(store.read(sha))).equals(a)).toBe(true)
      expect((await collect(store.read(sha, { start: 1_048_570, end: 1_048_600 }))).equals(a.subarray(1_048_570, 1_048_601))).toBe(true)
      expect((await collect(store.read(sha, { start: 0, end: 0 }))).equals(a.subarray(0, 1))).toBe(true)
      expect(fs.readFileSync(await store.localPath(sha)).equals(a)).toBe(true)
    })

    it('deletes an original only with the last version that uses it', async () => {
      await keep('one', 1, a, ['p'])
      await keep('two', 1, a, ['p'])
      await keep('two', 2, b, ['p'])
      expect(await store.forget('one')).toEqual([])
      expect(await store.find('one', 1)).toBeUndefined()
      expect((await collect(store.read(sha256Hex(a)))).equals(a)).toBe(true)
      expect((await store.forget('two')).sort()).toEqual([sha256Hex(a), sha256Hex(b)].sort())
      expect(await store.versions('two')).toEqual([])
      expect(await store.pageText(sha256Hex(a), 1)).toBeUndefined()
      expect(await store.forget('nothing')).toEqual([])
    })
  })
}
