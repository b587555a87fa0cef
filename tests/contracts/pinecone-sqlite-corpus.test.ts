import { createSqliteCatalog } from '../../src/adapters/sqlite/sqlite-catalog.js'
import { sqliteFilePerTest } from './backends.js'
import { describePineconeCorpusContract } from './pinecone-corpus-contract.js'

// SQLite catalog (a fresh file per test) + Pinecone emulator.
const file = sqliteFilePerTest('ragtune-pc-sqlite-', 'catalog.db')

describePineconeCorpusContract('pinecone (emulator) + sqlite catalog', {
  open: async () => createSqliteCatalog({ path: file.path() }),
  cleanup: file.cleanup,
})
