import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'
import { describeJobStoreContract } from './job-store-contract.js'

let dir: string | undefined

describeJobStoreContract('sqlite', {
  async open(options = {}) {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-jobs-'))
    return createSqliteJobStore({ path: path.join(dir, 'store.db'), ...options })
  },
  async cleanup() {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
    dir = undefined
  },
})
