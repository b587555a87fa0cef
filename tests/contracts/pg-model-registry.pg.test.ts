import { createPgModelRegistry } from '../../src/adapters/postgres/pg-model-registry.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describeModelRegistryContract } from './model-registry-contract.js'

let db: Awaited<ReturnType<typeof freshSchema>> | undefined

describeModelRegistryContract('postgres', {
  async create() {
    db = await freshSchema()
    return createPgModelRegistry({ pool: await db.pool() })
  },
  async cleanup() {
    await db?.drop()
  },
})
