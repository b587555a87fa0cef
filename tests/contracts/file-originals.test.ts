import path from 'node:path'
import { createFileOriginalStore } from '../../src/adapters/sqlite/file-originals.js'
import { describeOriginalStoreContract } from './original-store-contract.js'

describeOriginalStoreContract('files + sqlite', {
  async create(dir) {
    return createFileOriginalStore({ dbPath: path.join(dir, 'store.db'), dir: path.join(dir, 'originals') })
  },
})
