import { describe, expect, it, vi } from 'vitest'
import type { KeyStore } from '../../src/core/keys.js'
import { closedAfterEach } from './backends.js'

/**
 * The behaviour every KeyStore must show (SQLite, PostgreSQL). `open` returns a handle on the test's
 * store (a second call: another handle on the same store, as another process or replica would hold);
 * `cleanup` drops the store after each test.
 */
export interface KeyStoreFactory {
  open(): Promise<KeyStore>
  /** the stored hashes, to show no usable key is kept */
  storedHashes(): Promise<string[]>
  cleanup?(): Promise<void>
}

export function describeKeyStoreContract(name: string, factory: KeyStoreFactory): void {
  describe(`KeyStore contract: ${name}`, () => {
    const handle = closedAfterEach(
      () => factory.open(),
      async () => factory.cleanup?.(),
    )

    it('creates, verifies, lists and revokes hashed keys', async () => {
      const keys = await handle()
      expect(await keys.hasActiveKeys()).toBe(false)
      const { key, info } = await keys.create({ scope: 'admin', name: 'ops' })
      expect(info).toMatchObject({ scope: 'admin', name: 'ops', revokedAt: null })
      expect(await keys.verify(key)).toEqual(info)
      // another secret under the same id (the last character moved to a different one of the 64)
      const last = key.at(-1) ?? 'a'
      expect(await keys.verify(`${key.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`)).toBeUndefined()
      expect(await keys.verify('not-a-key')).toBeUndefined()
      expect((await keys.list()).map((k) => k.name)).toEqual(['ops'])
      // the secret is everything after the id (base64url, so it may hold '_' itself); it is never stored
      const secret = key.split('_').slice(2).join('_')
      expect((await factory.storedHashes()).some((h) => h.includes(secret))).toBe(false)
      expect(await keys.revoke(info.id)).toBe(true)
      expect(await keys.revoke(info.id)).toBe(false)
      expect(await keys.verify(key)).toBeUndefined()
      expect(await keys.hasActiveKeys()).toBe(false)
    })

    it('keeps scopes apart and revokes one key only', async () => {
      const keys = await handle()
      const admin = await keys.create({ scope: 'admin' })
      const query = await keys.create({ scope: 'query', name: 'chat' })
      expect(await keys.revoke(query.info.id)).toBe(true)
      expect(await keys.verify(query.key)).toBeUndefined()
      expect(await keys.verify(admin.key)).toMatchObject({ scope: 'admin', name: null })
      expect(await keys.hasActiveKeys()).toBe(true)
      expect((await keys.list()).find((k) => k.id === query.info.id)?.revokedAt).not.toBeNull()
    })

    it('a key created or revoked through one handle is what another handle sees', async () => {
      const a = await handle()
      const b = await handle()
      const { key, info } = await a.create({ scope: 'query' })
      await vi.waitFor(async () => expect(await b.verify(key)).toMatchObject({ id: info.id }), { timeout: 2000, interval: 20 })
      await a.revoke(info.id)
      await vi.waitFor(async () => expect(await b.verify(key)).toBeUndefined(), { timeout: 2000, interval: 20 })
    })
  })
}
