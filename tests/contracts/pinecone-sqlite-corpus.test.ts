import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { createSqliteCatalog } from '../../src/adapters/sqlite/sqlite-catalog.js'
import { emulatorCorpus } from '../support/pinecone-corpus.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { describeCorpusContract } from './corpus-contract.js'

// SQLite catalog + Pinecone emulator (dense dotproduct index with write lag), through the real SDK.
let dir: string | undefined
let emu: PineconeEmulator | undefined
let settle: (() => Promise<void>) | undefined
const logger = pino({ level: 'silent' })

describeCorpusContract('pinecone (emulator) + sqlite catalog', {
  async create() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-pc-sqlite-'))
    emu = await startPineconeEmulator({ dimension: 4, lagMs: 30 })
    const corpus = await emulatorCorpus(emu, createSqliteCatalog({ path: path.join(dir, 'catalog.db') }), {
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
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  },
})
