import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { createSqliteKeyStore } from '../../src/adapters/sqlite/sqlite-keys.js'
import { describeKeyStoreContract } from './key-store-contract.js'

let dir: string | undefined
const file = (): string => path.join((dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-keys-'))), 'store.db')

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
  async cleanup() {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
    dir = undefined
  },
})
