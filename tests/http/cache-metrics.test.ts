import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { buildApp } from '../../src/app.js'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { CACHE_LIMITS } from '../../src/core/cache-limits.js'

const logger = pino({ level: 'silent' })

/** The value of a `ragtune_cache_*{cache="name"}` series in a scrape. */
function series(body: string, metric: string, cache: string): number | undefined {
  const m = new RegExp(`^${metric}\\{cache="${cache.replaceAll('.', '\\.')}"\\} (\\S+)$`, 'm').exec(body)
  return m?.[1] === undefined ? undefined : Number(m[1])
}

describe('/metrics shows the caches of the composed service', () => {
  it('every named cache with its entries, limit, hits, misses and evictions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-cache-metrics-'))
    const file = path.join(dir, 'zeta-2024-report.md')
    fs.writeFileSync(file, '# Zeta Widgets 2024 report\n\nZeta Widgets paid a quarterly dividend of $0.42 per share in 2024.\n')
    const other = path.join(dir, 'omega-2024-report.md')
    fs.writeFileSync(other, '# Omega Freight 2024 report\n\nOmega Freight revenue was $1,200 million in 2024, up 5%.\n')
    const deps = await buildDeps(
      loadConfig({ RAGTUNE_DATA_DIR: path.join(dir, 'data'), RAGTUNE_INGEST_WORKERS: '0', RAGTUNE_CACHE_LIMITS: 'answer.snippets=1' }),
      logger,
    )
    const app = await buildApp(deps)
    try {
      await ingestPaths(deps.ingest, [file, other])
      const ask = (question: string) => app.inject({ method: 'POST', url: '/v1/ask', payload: { question } })
      expect((await ask('What dividend per share did Zeta Widgets pay in 2024?')).statusCode).toBe(200)
      expect((await ask('What dividend per share did Zeta Widgets pay in 2024?')).statusCode).toBe(200)
      expect((await ask('What was Omega Freight revenue in 2024?')).statusCode).toBe(200)
      const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
      for (const name of Object.keys(CACHE_LIMITS)) {
        expect(series(body, 'ragtune_cache_limit_entries', name), name).toBeDefined()
        expect(series(body, 'ragtune_cache_entries', name), name).toBeDefined()
      }
      // limits as configured: the default, and the one overridden
      expect(series(body, 'ragtune_cache_limit_entries', 'answer.pages')).toBe(CACHE_LIMITS['answer.pages'].entries)
      expect(series(body, 'ragtune_cache_limit_entries', 'answer.snippets')).toBe(1)
      // the repeated question reused its retrieval; two distinct ones computed
      expect(series(body, 'ragtune_cache_hits_total', 'retrieval')).toBe(1)
      expect(series(body, 'ragtune_cache_misses_total', 'retrieval')).toBe(2)
      expect(series(body, 'ragtune_cache_entries', 'retrieval')).toBe(2)
      // the extractive answers prepared the cited pages; a snippet cache of one entry had to evict
      expect(series(body, 'ragtune_cache_entries', 'answer.pages')).toBeGreaterThan(0)
      expect(series(body, 'ragtune_cache_entries', 'answer.snippets')).toBe(1)
      expect(series(body, 'ragtune_cache_evictions_total', 'answer.snippets')).toBeGreaterThan(0)
      // the store read its statements through its own cache
      expect(series(body, 'ragtune_cache_entries', 'sqlite.statements')).toBeGreaterThan(0)
    } finally {
      await app.close()
      await closeDeps(deps)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
