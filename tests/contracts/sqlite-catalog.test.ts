import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSqliteCatalog } from '../../src/adapters/sqlite/sqlite-catalog.js'
import { describeBlueGreen } from './blue-green-contract.js'

describeBlueGreen('sqlite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-catalog-'))
  return {
    async create() {
      return createSqliteCatalog({ path: path.join(dir, 'catalog.db') })
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
})
