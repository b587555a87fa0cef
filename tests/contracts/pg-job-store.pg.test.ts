import { createPgJobStore } from '../../src/adapters/postgres/pg-jobs.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describeJobStoreContract } from './job-store-contract.js'

let db: Awaited<ReturnType<typeof freshSchema>> | undefined

describeJobStoreContract('postgres', {
  async open(options = {}) {
    db ??= await freshSchema()
    return createPgJobStore({ pool: await db.pool(), ...options })
  },
  async cleanup() {
    await db?.drop()
    db = undefined
  },
})
