import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPgJobStore } from '../../src/adapters/postgres/pg-jobs.js'
import { createPgCatalog } from '../../src/adapters/postgres/pg-catalog.js'
import { catalogMigrations } from '../../src/adapters/postgres/pg-catalog-schema.js'
import { statsDelta } from '../../src/core/sparse/bm25-encoder.js'
import { docInput, freshSchema } from './scale-fixtures.js'

let db: Awaited<ReturnType<typeof freshSchema>>
beforeEach(async () => {
  db = await freshSchema()
})
afterEach(async () => {
  await db.drop()
})

describe('PostgreSQL migrations', () => {
  it('apply once when several replicas start at the same moment', async () => {
    const pools = await Promise.all([1, 2, 3, 4, 5].map(() => db.pool()))
    const catalogs = await Promise.all(pools.map((pool) => createPgCatalog({ pool, ownsPool: false })))
    expect(catalogs).toHaveLength(5)
    const { rows } = await pools[0]!.query<{ module: string; version: number }>(
      'SELECT module, version FROM schema_migrations ORDER BY module, version',
    )
    // every step of the catalog's migrations exactly once
    expect(rows).toEqual(catalogMigrations.map((_, i) => ({ module: 'registry', version: i + 1 })))
  })
})

describe('PostgreSQL catalog', () => {
  it('flips the active version in one transaction; a slower, older concurrent version is superseded', async () => {
    const [a, b] = await Promise.all([
      db.pool().then((pool) => createPgCatalog({ pool })),
      db.pool().then((pool) => createPgCatalog({ pool })),
    ])
    const v = (tag: string) => docInput('doc', [`revenue ${tag}`, 'dividend'], { tag })
    const d = (tag: string) => statsDelta(v(tag).chunks, 1)
    await a.stageVersion(v('1'), d('1'))
    await a.activateVersion('doc', 1)
    const [s2, s3] = await Promise.all([a.stageVersion(v('2'), d('2')), b.stageVersion(v('3'), d('3'))])
    expect(new Set([s2.version, s3.version])).toEqual(new Set([2, 3]))
    expect(await b.activateVersion('doc', 3)).toEqual({ replaced: 1, superseded: false })
    expect(await a.activateVersion('doc', 2)).toEqual({ superseded: true })
    expect((await a.getDocument('doc'))?.activeVersion).toBe(3)
    expect((await a.retiredVersions('doc')).map((r) => r.version)).toEqual([1, 2])
    // BM25 statistics count only the active version: 2 chunks
    expect((await b.bm25Stats([])).documents).toBe(2)
    expect(await a.unsettledDocuments()).toEqual(new Map([['doc', 3]]))
    for (const r of await a.retiredVersions()) await a.purgeVersion(r.documentId, r.version)
    expect(await a.unsettledDocuments()).toEqual(new Map())
    await Promise.all([a.close(), b.close()])
  })
})

describe('PostgreSQL ingest jobs', () => {
  it('fails an abandoned in-process job on recovery, with a stable code', async () => {
    const a = await createPgJobStore({ pool: await db.pool(), leaseMs: 100, heartbeatMs: 60_000, owner: 'a' })
    const b = await createPgJobStore({ pool: await db.pool(), leaseMs: 100, owner: 'b' })
    const job = await a.create({ origin: 'http', filesTotal: 1 })
    await a.start(job.id)
    await a.close()
    await new Promise((r) => setTimeout(r, 250))
    const recovered = await b.recoverAbandoned()
    expect(recovered.map((j) => [j.id, j.status, j.error?.code])).toEqual([[job.id, 'failed', 'job_abandoned']])
    await b.close()
  })
})
