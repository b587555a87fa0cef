import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BoundedCache, CacheRegistry } from '../../src/core/bounded-cache.js'
import { CACHE_LIMITS, parseCacheLimits } from '../../src/core/cache-limits.js'
import { loadConfig } from '../../src/config.js'

describe('BoundedCache', () => {
  it('keeps at most its limit, dropping the least recently used, and counts hits, misses and evictions', () => {
    const cache = new BoundedCache<string, number>('answer.pages', { maxEntries: 3 })
    let computed = 0
    const get = (k: string): number =>
      cache.getOrCompute(k, (key) => {
        computed++
        return key.length
      })
    for (const k of ['a', 'bb', 'ccc']) get(k)
    expect(get('a')).toBe(1) // a is now the most recently used
    get('dddd') // evicts bb, the least recently used
    expect(cache.size).toBe(3)
    expect(cache.has('bb')).toBe(false)
    expect(cache.has('a')).toBe(true)
    const before = computed
    get('a')
    get('ccc')
    expect(computed).toBe(before)
    get('bb')
    expect(computed).toBe(before + 1)
    expect(cache.stats()).toEqual({ name: 'answer.pages', entries: 3, limit: 3, hits: 3, misses: 5, evictions: 2 })
  })

  it('bounds the summed size too, and never keeps an entry larger than the whole bound', () => {
    const cache = new BoundedCache<string, string>('retrieval', { maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length })
    cache.set('a', '12345')
    cache.set('b', '12345')
    cache.set('c', '123')
    expect(cache.has('a')).toBe(false)
    expect([cache.has('b'), cache.has('c')]).toEqual([true, true])
    cache.set('huge', 'x'.repeat(11))
    expect(cache.has('huge')).toBe(false)
  })

  it('computes every time when its limit is 0', () => {
    const cache = new BoundedCache<string, number>('answer.pages', { maxEntries: 0 })
    let computed = 0
    for (let i = 0; i < 3; i++) cache.getOrCompute('k', () => ++computed)
    expect(computed).toBe(3)
    expect(cache.stats()).toMatchObject({ entries: 0, limit: 0, hits: 0, misses: 3 })
  })

  it('clear drops entries without counting evictions', () => {
    const cache = new BoundedCache<number, number>('snapshot.chunks', { maxEntries: 10 })
    for (let i = 0; i < 5; i++) cache.set(i, i)
    cache.clear()
    expect(cache.stats()).toMatchObject({ entries: 0, evictions: 0 })
  })
})

describe('CacheRegistry', () => {
  it('takes limits from CACHE_LIMITS unless overridden, and sums the live caches of a name', () => {
    const registry = new CacheRegistry({ 'answer.pages': 2 })
    const a = registry.create<string, number>('answer.pages')
    const b = registry.create<string, number>('answer.pages')
    const lines = registry.create<string, number>('answer.statement-lines')
    expect(a.limit).toBe(2)
    expect(lines.limit).toBe(CACHE_LIMITS['answer.statement-lines'].entries)
    a.set('x', 1)
    b.getOrCompute('y', () => 2)
    b.get('y')
    const stats = registry.stats()
    // every known cache is listed, used or not
    expect(stats.map((s) => s.name)).toEqual(Object.keys(CACHE_LIMITS))
    expect(stats.find((s) => s.name === 'answer.pages')).toEqual({
      name: 'answer.pages',
      limit: 2,
      entries: 2,
      hits: 1,
      misses: 1,
      evictions: 0,
    })
    expect(stats.find((s) => s.name === 'retrieval')).toMatchObject({ entries: 0, hits: 0 })
  })
})

describe('RAGTUNE_CACHE_LIMITS', () => {
  it('sets limits by name and refuses unknown names with the list of known ones', () => {
    expect(parseCacheLimits('answer.pages=2048, retrieval.statements=0')).toEqual({ 'answer.pages': 2048, 'retrieval.statements': 0 })
    expect(() => parseCacheLimits('answer.page=1')).toThrow(/answer\.page=1.*known cache name.*answer\.pages/)
    expect(() => parseCacheLimits('answer.pages=-1')).toThrow(/name=entries/)
    const config = loadConfig({ RAGTUNE_CACHE_LIMITS: 'keyword.phrases=10', RAGTUNE_RETRIEVAL_CACHE: '5' })
    expect(config.cacheLimits).toEqual({ 'keyword.phrases': 10, retrieval: 5 })
    // the retrieval limit given in RAGTUNE_CACHE_LIMITS holds unless RAGTUNE_RETRIEVAL_CACHE is set
    expect(loadConfig({ RAGTUNE_CACHE_LIMITS: 'retrieval=0' }).cacheLimits).toEqual({ retrieval: 0 })
    expect(() => loadConfig({ RAGTUNE_CACHE_LIMITS: 'nope=1' })).toThrow(/invalid configuration: RAGTUNE_CACHE_LIMITS/)
  })
})

describe('no module-global caches', () => {
  // A map or set declared empty at a module's top level and filled at run time is a cache (or state) no
  // object owns. Constant lookup tables built from literals are fine. The exceptions, with their reasons:
  const ALLOWED = new Map([
    // o200k piece counts next to the rank table they are read from: one encoding per process (see report)
    ['src/core/ingest/tokenizer.ts', ['cache']],
    // write stamps every connection of this process to one file must share: coordination, not a cache
    ['src/adapters/sqlite/change-watch.ts', ['localWrites']],
    // built tiktoken encoders by encoding name (two names): tables, not results
    ['finetune/validate/token-counter.ts', ['encoders']],
  ])
  const DECLARATION =
    /^(?:export )?(?:const|let) (\w+)(?::[^=\n]+)? = (?:new (?:Weak)?(?:Map|Set)<|new (?:Weak)?(?:Map|Set)\(\)|textCache)/gm

  it('finds none in src/, ingestion/ or finetune/ beyond the listed exceptions', () => {
    const root = path.resolve(import.meta.dirname, '../..')
    const found: string[] = []
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (e.name.endsWith('.ts')) {
          const rel = path.relative(root, p)
          for (const m of fs.readFileSync(p, 'utf8').matchAll(DECLARATION)) {
            if (!(ALLOWED.get(rel) ?? []).includes(m[1] ?? '')) found.push(`${rel}: ${m[1]}`)
          }
        }
      }
    }
    for (const top of ['src', 'ingestion', 'finetune']) walk(path.join(root, top))
    expect(found).toEqual([])
  })

  it('would catch one', () => {
    const sample = "const seen = new Map<string, number>()\nconst TABLE = new Map([['a', 1]])\nlet memo = new WeakMap()\n"
    expect([...sample.matchAll(DECLARATION)].map((m) => m[1])).toEqual(['seen', 'memo'])
  })
})
