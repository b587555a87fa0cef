import pino from 'pino'
import { createPineconeIndex } from '../../src/adapters/pinecone/pinecone-index.js'
import { createPgCatalog } from '../../src/adapters/postgres/pg-catalog.js'
import { createBlueGreenCorpus } from '../../src/core/scale-out/blue-green-corpus.js'
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
    const index = await createPineconeIndex({
      apiKey: emu.apiKey,
      index: emu.indexName,
      controllerHostUrl: emu.controllerUrl,
      indexHost: emu.indexHost,
      logger,
    })
    const corpus = createBlueGreenCorpus({
      catalog: await createPgCatalog({ pool: await db.pool() }),
      index,
      namespace: 'contract',
      logger,
      pollMs: 10,
      retireGraceMs: 0,
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
