import { createPgJobStore } from '../../src/adapters/postgres/pg-jobs.js'
import { pgSchemaPerTest } from './backends.js'
import { describeJobStoreContract } from './job-store-contract.js'

const pg = pgSchemaPerTest()

describeJobStoreContract('postgres', {
  open: async (options = {}) => createPgJobStore({ pool: await pg.pool(), ...options }),
  cleanup: pg.cleanup,
})
