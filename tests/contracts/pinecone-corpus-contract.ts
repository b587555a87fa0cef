import pino from 'pino'
import type { CorpusCatalog } from '../../src/core/catalog.js'
import { emulatorCorpus } from '../support/pinecone-corpus.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { describeCorpusContract } from './corpus-contract.js'

const logger = pino({ level: 'silent' })

/**
 * The corpus contract on the blue-green corpus over the Pinecone emulator (dense dotproduct index with
 * write lag, through the real SDK) and a catalog that `catalogs` opens fresh for each test and removes after it.
 */
export function describePineconeCorpusContract(name: string, catalogs: { open(): Promise<CorpusCatalog>; cleanup(): Promise<void> }): void {
  let emu: PineconeEmulator | undefined
  let settle: (() => Promise<void>) | undefined
  describeCorpusContract(name, {
    async create() {
      const catalog = await catalogs.open()
      emu = await startPineconeEmulator({ dimension: 4, lagMs: 30 })
      const corpus = await emulatorCorpus(emu, catalog, { namespace: 'contract', logger, pollMs: 10 })
      settle = () => corpus.settle()
      return corpus
    },
    settle: async () => settle?.(),
    namespaces: () => emu?.namespaceNames() ?? [],
    async cleanup() {
      await emu?.close()
      await catalogs.cleanup()
    },
  })
}
