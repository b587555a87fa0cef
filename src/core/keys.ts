import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * API keys. A key reads `rt_<id>_<secret>`: the id finds the row, the secret is checked against its
 * sha256, so the store never holds a usable key and a key is shown exactly once, at creation.
 * Scopes nest: `admin` may do everything `query` may, plus ingest, delete and fine-tune.
 */
export const SCOPES = ['query', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export interface ApiKeyInfo {
  readonly id: string
  readonly name: string | null
  readonly scope: Scope
  /** the collections the key sees; null: all of them (and any created later) */
  readonly collections: readonly string[] | null
  readonly createdAt: string
  readonly revokedAt: string | null
}

export interface KeyStore {
  /** returns the key in clear: the only time it exists outside the caller */
  create(input: { scope: Scope; name?: string; collections?: readonly string[] }): Promise<{ key: string; info: ApiKeyInfo }>
  /** the key's info when it exists and is not revoked */
  verify(key: string): Promise<ApiKeyInfo | undefined>
  list(): Promise<ApiKeyInfo[]>
  /** resolves false when no active key has this id */
  revoke(id: string): Promise<boolean>
  /** true when at least one key is active (no keys on loopback means open mode) */
  hasActiveKeys(): Promise<boolean>
  close(): Promise<void>
}

export interface StoredKey extends ApiKeyInfo {
  readonly hash: string
}

export function scopeAllows(have: Scope, need: Scope): boolean {
  return have === 'admin' || have === need
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value)
}

export function generateKey(): { id: string; key: string; hash: string } {
  const id = randomBytes(6).toString('hex')
  const key = `rt_${id}_${randomBytes(24).toString('base64url')}`
  return { id, key, hash: hashKey(key) }
}

/** The id part of a well-formed key, else undefined. */
export function keyId(key: string): string | undefined {
  return /^rt_([0-9a-f]{12})_[\w-]{32}$/.exec(key)?.[1]
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function hashMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashKey(key), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Stored as a comma-separated list; NULL means every collection. */
export function collectionsColumn(collections: readonly string[] | undefined): string | null {
  return collections === undefined ? null : [...new Set(collections)].sort().join(',')
}

export function parseCollectionsColumn(value: string | null): readonly string[] | null {
  return value === null ? null : value.split(',').filter((c) => c.length > 0)
}
