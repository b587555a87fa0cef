import { createPgFineTuneJobStore } from '../../src/adapters/postgres/pg-finetune-jobs.js'
import { pgSchemaPerTest } from './backends.js'
import { describeFineTuneJobStoreContract } from './fine-tune-job-store-contract.js'

const pg = pgSchemaPerTest()

describeFineTuneJobStoreContract('postgres', {
  open: async () => createPgFineTuneJobStore({ pool: await pg.pool() }),
  cleanup: pg.cleanup,
})
