import { createSqliteFineTuneJobStore } from '../../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { sqliteFilePerTest } from './backends.js'
import { describeFineTuneJobStoreContract } from './fine-tune-job-store-contract.js'

const file = sqliteFilePerTest('ragtune-ftjobs-')

describeFineTuneJobStoreContract('sqlite', {
  open: async () => createSqliteFineTuneJobStore({ path: file.path() }),
  cleanup: file.cleanup,
})
