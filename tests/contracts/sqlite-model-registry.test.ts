import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { describeModelRegistryContract } from './model-registry-contract.js'

let dir: string | undefined

describeModelRegistryContract('sqlite', {
  async create() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-registry-'))
    return createSqliteModelRegistry({ path: path.join(dir, 'store.db') })
  },
  async cleanup() {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  },
})
