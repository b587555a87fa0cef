import pino from 'pino'
import { createPgCatalog } from '../../src/adapters/postgres/pg-catalog.js'
import { emulatorCorpus } from '../support/pinecone-corpus.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describeCorpusContract } from './corpus-contract.js'

// PostgreSQL catalog (a fresh schema per test) + Pinecone emulator (dense dotproduct index with write lag).
let db: Awaited<ReturnType<typeof freshSchema>> | undefined
let emu: PineconeEmulator | undefined
let settle: (() => Promise<void>) | undefined
const logger = pino({ level: 'silent' })

describeCorpusContract('pinecone (emulator) + postgres catalog', {
  async create() {
    db = await freshSchema()
    emu = await startPineconeEmulator({ dimension: 4, lagMs: 30 })
    const corpus = await emulatorCorpus(emu, await createPgCatalog({ pool: await db.pool() }), {
      namespace: 'contract',
      logger,
      pollMs: 10,
    })
    settle = () => corpus.settle()
    return corpus
  },
  settle: async () => settle?.(),
  namespaces: () => emu?.namespaceNames() ?? [],
  async cleanup() {
    await emu?.close()
    await db?.drop()
  },
})
