import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'
import { sqliteFilePerTest } from './backends.js'
import { describeJobStoreContract } from './job-store-contract.js'

const file = sqliteFilePerTest('ragtune-jobs-')

describeJobStoreContract('sqlite', {
  open: async (options = {}) => createSqliteJobStore({ path: file.path(), ...options }),
  cleanup: file.cleanup,
})
