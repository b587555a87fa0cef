import path from 'node:path'
import { createPgOriginalStore } from '../../src/adapters/postgres/pg-originals.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describeOriginalStoreContract } from './original-store-contract.js'

let db: Awaited<ReturnType<typeof freshSchema>> | undefined

describeOriginalStoreContract('postgres', {
  async create(dir) {
    db = await freshSchema()
    return createPgOriginalStore({ pool: await db.pool(), cacheDir: path.join(dir, 'page-cache') })
  },
  async cleanup() {
    await db?.drop()
  },
})
