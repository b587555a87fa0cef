import { createPineconeIndex, type PineconeIndexOptions } from '../../src/adapters/pinecone/pinecone-index.js'
import type { CorpusCatalog } from '../../src/core/catalog.js'
import { createBlueGreenCorpus, type BlueGreenCorpusOptions } from '../../src/core/scale-out/blue-green-corpus.js'
import type { VectorIndex } from '../../src/core/vector-index.js'
import type { Logger } from '../../src/logger.js'
import type { PineconeEmulator } from './pinecone-emulator.js'

/** The real Pinecone adapter, through the SDK, pointed at an emulator. */
export function emulatorIndex(
  emu: PineconeEmulator,
  logger: Logger,
  options: Partial<Pick<PineconeIndexOptions, 'retry'>> = {},
): Promise<VectorIndex> {
  return createPineconeIndex({
    apiKey: emu.apiKey,
    index: emu.indexName,
    controllerHostUrl: emu.controllerUrl,
    indexHost: emu.indexHost,
    logger,
    ...options,
  })
}

/** A blue-green corpus over `catalog` and the emulator's index; replaced vectors go at once (no grace period). */
export async function emulatorCorpus(
  emu: PineconeEmulator,
  catalog: CorpusCatalog,
  options: Pick<BlueGreenCorpusOptions, 'namespace' | 'logger' | 'pollMs'>,
): Promise<ReturnType<typeof createBlueGreenCorpus>> {
  return createBlueGreenCorpus({ catalog, index: await emulatorIndex(emu, options.logger), retireGraceMs: 0, ...options })
}
