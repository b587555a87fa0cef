import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSqliteFineTuneJobStore } from '../../src/adapters/sqlite/sqlite-finetune-jobs.js'
import { describeFineTuneJobStoreContract } from './fine-tune-job-store-contract.js'

let dir: string | undefined

describeFineTuneJobStoreContract('sqlite', {
  async open() {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-ftjobs-'))
    return createSqliteFineTuneJobStore({ path: path.join(dir, 'store.db') })
  },
  async cleanup() {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
    dir = undefined
  },
})
