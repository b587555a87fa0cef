import { LRUCache } from 'lru-cache'
import { CACHE_LIMITS, type CacheName } from './cache-limits.js'

/** Any value but null and undefined (the cache's "absent"): lru-cache's bound on keys and values. */
type Key = NonNullable<unknown>

/** What a cache reports (summed over the live instances of a name in `CacheRegistry.stats`). */
export interface CacheStats {
  readonly name: CacheName
  /** entries held now */
  readonly entries: number
  /** the most entries it may hold (0: the cache is off) */
  readonly limit: number
  readonly hits: number
  readonly misses: number
  /** entries dropped to stay within the limit (not those dropped by `clear`) */
  readonly evictions: number
}

export interface BoundedCacheOptions<V> {
  /** entries kept; the least recently used is dropped first. 0 turns the cache off (every lookup computes) */
  readonly maxEntries: number
  /** a second bound on the summed `sizeOf` of the entries (e.g. characters held), when given */
  readonly maxSize?: number
  readonly sizeOf?: (value: V) => number
}

/**
 * The one cache shape of the service: a named map with a bound and one eviction rule (least recently
 * used, by entries and optionally by a size), counting its hits, misses and evictions. An object that
 * needs a cache creates one (through `CacheRegistry.create`, which takes the limit from
 * `CACHE_LIMITS`/RAGTUNE_CACHE_LIMITS) and owns it: the cache lives and dies with its owner, and no cache
 * is a module global. Invalidation (a corpus that changed) is the owner's call: `clear`.
 *
 * Keys are compared as `Map` keys: a string key passed as the same string object each time (see
 * `docs/architecture.md`, "same object") is hashed once and compared by pointer.
 */
export class BoundedCache<K extends Key, V extends Key> {
  readonly name: CacheName
  readonly limit: number
  #hits = 0
  #misses = 0
  #evictions = 0
  readonly #map: LRUCache<K, V> | undefined

  constructor(name: CacheName, options: BoundedCacheOptions<V>) {
    this.name = name
    this.limit = Math.max(0, Math.floor(options.maxEntries))
    this.#map =
      this.limit === 0
        ? undefined
        : new LRUCache<K, V>({
            max: this.limit,
            ...(options.maxSize === undefined || options.sizeOf === undefined
              ? {}
              : { maxSize: options.maxSize, sizeCalculation: (v: V) => Math.max(1, options.sizeOf?.(v) ?? 1) }),
            disposeAfter: (_v, _k, reason) => {
              if (reason === 'evict') this.#evictions++
            },
          })
  }

  /** The value under `key` (a hit), or undefined (a miss). */
  get(key: K): V | undefined {
    const v = this.#map?.get(key)
    if (v === undefined) this.#misses++
    else this.#hits++
    return v
  }

  /** Stores `value` (not at all when the cache is off, or when it alone is over `maxSize`). */
  set(key: K, value: V): void {
    this.#map?.set(key, value)
  }

  /** The value under `key`, computed and stored on a miss. */
  getOrCompute(key: K, compute: (key: K) => V): V {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    const value = compute(key)
    this.set(key, value)
    return value
  }

  has(key: K): boolean {
    return this.#map?.has(key) ?? false
  }

  delete(key: K): void {
    this.#map?.delete(key)
  }

  /** Drops every entry (the owner's data changed); not counted as evictions. */
  clear(): void {
    this.#map?.clear()
  }

  get size(): number {
    return this.#map?.size ?? 0
  }

  stats(): CacheStats {
    return { name: this.name, entries: this.size, limit: this.limit, hits: this.#hits, misses: this.#misses, evictions: this.#evictions }
  }
}

/**
 * Creates the caches and sees them all: the composition root makes one per process, hands it to every
 * object that caches, and `/metrics` reads `stats` when scraped. It holds its caches weakly, so an owner
 * that is dropped takes its cache with it. Limits come from `CACHE_LIMITS`, overridden per name by
 * `limits` (RAGTUNE_CACHE_LIMITS). An object built without a registry (a test, a one-shot tool) makes
 * its own with `new CacheRegistry()`: same limits, seen by no one.
 */
export class CacheRegistry {
  readonly #limits: Readonly<Partial<Record<CacheName, number>>>
  readonly #caches: WeakRef<BoundedCache<Key, Key>>[] = []

  constructor(limits: Readonly<Partial<Record<CacheName, number>>> = {}) {
    this.#limits = limits
  }

  /** The entry limit of a named cache: the override, or the default in CACHE_LIMITS. */
  limit(name: CacheName): number {
    return this.#limits[name] ?? CACHE_LIMITS[name].entries
  }

  /** A cache of this name for its owner to keep; `maxEntries` overrides the configured limit (tests). */
  create<K extends Key, V extends Key>(name: CacheName, options: Partial<BoundedCacheOptions<V>> = {}): BoundedCache<K, V> {
    const cache = new BoundedCache<K, V>(name, { ...options, maxEntries: options.maxEntries ?? this.limit(name) })
    this.#caches.push(new WeakRef(cache as unknown as BoundedCache<Key, Key>))
    return cache
  }

  /** Every cache name with its figures summed over its live instances (names with none: zeros). */
  stats(): CacheStats[] {
    const live = this.#caches.filter((r) => r.deref() !== undefined)
    this.#caches.splice(0, this.#caches.length, ...live)
    const byName = new Map<CacheName, { entries: number; hits: number; misses: number; evictions: number }>()
    for (const ref of live) {
      const s = ref.deref()?.stats()
      if (s === undefined) continue
      const sum = byName.get(s.name) ?? { entries: 0, hits: 0, misses: 0, evictions: 0 }
      byName.set(s.name, {
        entries: sum.entries + s.entries,
        hits: sum.hits + s.hits,
        misses: sum.misses + s.misses,
        evictions: sum.evictions + s.evictions,
      })
    }
    return (Object.keys(CACHE_LIMITS) as CacheName[]).map((name) => ({
      name,
      limit: this.limit(name),
      ...(byName.get(name) ?? { entries: 0, hits: 0, misses: 0, evictions: 0 }),
    }))
  }
}
