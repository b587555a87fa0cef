import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSqliteRegistry } from '../../src/adapters/sqlite/sqlite-registry.js'
import { describeBlueGreen } from './blue-green-behaviour.js'

describeBlueGreen('sqlite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-registry-'))
  return {
    async create() {
      return createSqliteRegistry({ path: path.join(dir, 'registry.db') })
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
})
