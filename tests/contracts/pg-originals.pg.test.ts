import path from 'node:path'
import { createPgOriginalStore } from '../../src/adapters/postgres/pg-originals.js'
import { pgSchemaPerTest } from './backends.js'
import { describeOriginalStoreContract } from './original-store-contract.js'

const pg = pgSchemaPerTest()

describeOriginalStoreContract('postgres', {
  create: async (dir) => createPgOriginalStore({ pool: await pg.pool(), cacheDir: path.join(dir, 'page-cache') }),
  cleanup: pg.cleanup,
})
