import { createPgCatalog } from '../../src/adapters/postgres/pg-catalog.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describePineconeCorpusContract } from './pinecone-corpus-contract.js'

// PostgreSQL catalog (a fresh schema per test) + Pinecone emulator.
let db: Awaited<ReturnType<typeof freshSchema>> | undefined

describePineconeCorpusContract('pinecone (emulator) + postgres catalog', {
  async open() {
    db = await freshSchema()
    return createPgCatalog({ pool: await db.pool() })
  },
  async cleanup() {
    await db?.drop()
  },
})
