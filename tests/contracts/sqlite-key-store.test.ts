import Database from 'better-sqlite3'
import { createSqliteKeyStore } from '../../src/adapters/sqlite/sqlite-keys.js'
import { sqliteFilePerTest } from './backends.js'
import { describeKeyStoreContract } from './key-store-contract.js'

const store = sqliteFilePerTest('ragtune-keys-')
const file = (): string => store.path()

describeKeyStoreContract('sqlite', {
  async open() {
    return createSqliteKeyStore({ path: file() })
  },
  async storedHashes() {
    const db = new Database(file(), { readonly: true })
    try {
      return db
        .prepare<[], { hash: string }>('SELECT hash FROM api_keys')
        .all()
        .map((r) => r.hash)
    } finally {
      db.close()
    }
  },
  cleanup: store.cleanup,
})
