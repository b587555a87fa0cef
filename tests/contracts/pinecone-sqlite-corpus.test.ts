import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSqliteCatalog } from '../../src/adapters/sqlite/sqlite-catalog.js'
import { describePineconeCorpusContract } from './pinecone-corpus-contract.js'

// SQLite catalog (a fresh file per test) + Pinecone emulator.
let dir: string | undefined

describePineconeCorpusContract('pinecone (emulator) + sqlite catalog', {
  async open() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-pc-sqlite-'))
    return createSqliteCatalog({ path: path.join(dir, 'catalog.db') })
  },
  async cleanup() {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  },
})
