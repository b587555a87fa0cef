import { createPgFineTuneJobStore } from '../../src/adapters/postgres/pg-finetune-jobs.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describeFineTuneJobStoreContract } from './fine-tune-job-store-contract.js'

let db: Awaited<ReturnType<typeof freshSchema>> | undefined

describeFineTuneJobStoreContract('postgres', {
  async open() {
    db ??= await freshSchema()
    return createPgFineTuneJobStore({ pool: await db.pool() })
  },
  async cleanup() {
    await db?.drop()
    db = undefined
  },
})
