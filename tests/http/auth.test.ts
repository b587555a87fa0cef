import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { buildApp } from '../../src/app.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import type { AppDeps } from '../../src/app.js'
import { routeScope, isLoopbackHost } from '../../src/http/auth.js'
import Database from 'better-sqlite3'
import { generateKey } from '../../src/core/keys.js'

// The production composition (deps.ts) in a temp data dir: real key store, real documents routes.
const dirs: string[] = []
const opened: AppDeps[] = []
async function deps(env: Record<string, string> = {}): Promise<AppDeps> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-auth-'))
  dirs.push(dir)
  const d = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dir, ...env }), createLogger({ level: 'silent' }))
  opened.push(d)
  return d
}
afterEach(async () => {
  for (const d of opened.splice(0)) await closeDeps(d)
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const ask = { method: 'POST' as const, url: '/v1/ask', payload: { question: 'What was revenue?' } }
const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

describe('auth', () => {
  it('keys: shown once, stored hashed, verified, revoked', async () => {
    const d = await deps()
    const { key, info } = await d.keys!.create({ scope: 'query', name: 'ci' })
    expect(key).toMatch(/^rt_[0-9a-f]{12}_[\w-]{32}$/)
    expect(await d.keys!.verify(key)).toEqual(info)
    expect(await d.keys!.verify(`${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`)).toBeUndefined()
    const dump = fs.readFileSync(d.config.dbPath)
    expect(dump.includes(Buffer.from(key))).toBe(false)
    expect(await d.keys!.revoke(info.id)).toBe(true)
    expect(await d.keys!.verify(key)).toBeUndefined()
    expect(await d.keys!.hasActiveKeys()).toBe(false)
  })

  it('no key → 401, query key on an admin route → 403, admin key → 200', async () => {
    const d = await deps()
    const query = await d.keys!.create({ scope: 'query' })
    const admin = await d.keys!.create({ scope: 'admin' })
    const app = await buildApp(d)
    try {
      const none = await app.inject(ask)
      expect(none.statusCode).toBe(401)
      expect(none.json()).toEqual({
        error: { code: 'unauthorized', message: expect.stringContaining('Bearer') },
        requestId: none.headers['x-request-id'],
      })
      const bad = await app.inject({ ...ask, headers: bearer('rt_000000000000_abcdefghijklmnopqrstuvwxyz012345') })
      expect(bad.json().error.code).toBe('invalid_api_key')
      expect((await app.inject({ ...ask, headers: bearer(query.key) })).statusCode).toBe(200)
      const forbidden = await app.inject({ method: 'GET', url: '/v1/documents', headers: bearer(query.key) })
      expect(forbidden.statusCode).toBe(403)
      expect(forbidden.json().error.code).toBe('forbidden')
      expect((await app.inject({ method: 'DELETE', url: '/v1/documents/x', headers: bearer(query.key) })).statusCode).toBe(403)
      expect((await app.inject({ method: 'GET', url: '/v1/documents', headers: bearer(admin.key) })).statusCode).toBe(200)
      expect((await app.inject({ ...ask, headers: bearer(admin.key) })).statusCode).toBe(200)
      // Public: health, metrics, docs.
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
      expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('runs open on loopback with no keys, and closes as soon as a key exists', async () => {
    const d = await deps()
    const app = await buildApp(d)
    try {
      expect((await app.inject(ask)).statusCode).toBe(200)
      // Chat clients always send some key; with none created it is ignored.
      expect((await app.inject({ ...ask, headers: bearer('sk-unused') })).statusCode).toBe(200)
      await d.keys!.create({ scope: 'query' })
      expect((await app.inject(ask)).statusCode).toBe(401)
      expect((await app.inject({ ...ask, headers: bearer('sk-unused') })).statusCode).toBe(401)
    } finally {
      await app.close()
    }
  })

  it('honours a key created by another process: at once for requests that send it, open mode closed within the bound', async () => {
    const d = await deps()
    const app = await buildApp(d)
    // a plain connection stands for `ragtune keys create` run by another process while the server runs
    const other = new Database(d.config.dbPath)
    try {
      expect((await app.inject(ask)).statusCode).toBe(200)
      const insert = other.prepare("INSERT INTO api_keys (id, name, scope, hash, created_at) VALUES (?, 'cli', 'query', ?, ?)")
      const [kept, revoked] = [generateKey(), generateKey()]
      for (const k of [kept, revoked]) insert.run(k.id, k.hash, new Date().toISOString())
      expect((await app.inject({ ...ask, headers: bearer(kept.key) })).statusCode).toBe(200)
      // the key store looks again at least every 50 ms
      await new Promise((r) => setTimeout(r, 120))
      expect((await app.inject(ask)).statusCode).toBe(401)
      // revoked elsewhere: refused at once
      other.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), revoked.id)
      expect((await app.inject({ ...ask, headers: bearer(revoked.key) })).statusCode).toBe(401)
      expect((await app.inject({ ...ask, headers: bearer(kept.key) })).statusCode).toBe(200)
    } finally {
      other.close()
      await app.close()
    }
  })

  it('refuses to start on a non-loopback host without a key', async () => {
    const d = await deps({ HOST: '0.0.0.0' })
    await expect(buildApp(d)).rejects.toMatchObject({ code: 'auth_required', message: expect.stringContaining('ragtune keys create') })
    await d.keys!.create({ scope: 'admin' })
    const app = await buildApp(d)
    await app.close()
  })

  it('rate limits per key → 429 with the error body and retry-after', async () => {
    const d = await deps({ RAGTUNE_RATE_LIMIT: '2' })
    const a = await d.keys!.create({ scope: 'query' })
    const b = await d.keys!.create({ scope: 'query' })
    const app = await buildApp(d)
    try {
      for (let i = 0; i < 2; i++) expect((await app.inject({ ...ask, headers: bearer(a.key) })).statusCode).toBe(200)
      const limited = await app.inject({ ...ask, headers: bearer(a.key) })
      expect(limited.statusCode).toBe(429)
      expect(limited.json()).toEqual({
        error: { code: 'rate_limited', message: expect.stringContaining('retry') },
        requestId: limited.headers['x-request-id'],
      })
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      // Another key has its own budget.
      expect((await app.inject({ ...ask, headers: bearer(b.key) })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it.each([
    ['/v1/ask', 'query'],
    ['/v1/chat/completions', 'query'],
    ['/v1/models', 'query'],
    ['/v1/models/:id/activate', 'admin'],
    ['/v1/documents', 'admin'],
    ['/v1/documents/:id', 'admin'],
    ['/v1/ingestions/:id', 'admin'],
    ['/v1/finetunes', 'admin'],
    ['/healthz', 'public'],
    ['/metrics', 'public'],
  ])('route %s needs %s', (url, scope) => {
    expect(routeScope(url, undefined)).toBe(scope)
  })

  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
  ])('host %s is loopback: %s', (host, yes) => {
    expect(isLoopbackHost(host)).toBe(yes)
  })
})
