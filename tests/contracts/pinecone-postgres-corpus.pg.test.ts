import { createPgCatalog } from '../../src/adapters/postgres/pg-catalog.js'
import { pgSchemaPerTest } from './backends.js'
import { describePineconeCorpusContract } from './pinecone-corpus-contract.js'

// PostgreSQL catalog (a fresh schema per test) + Pinecone emulator.
const pg = pgSchemaPerTest()

describePineconeCorpusContract('pinecone (emulator) + postgres catalog', {
  open: async () => createPgCatalog({ pool: await pg.pool() }),
  cleanup: pg.cleanup,
})
