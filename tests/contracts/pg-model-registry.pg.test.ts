import { createPgModelRegistry } from '../../src/adapters/postgres/pg-model-registry.js'
import { pgSchemaPerTest } from './backends.js'
import { describeModelRegistryContract } from './model-registry-contract.js'

const pg = pgSchemaPerTest()

describeModelRegistryContract('postgres', {
  create: async () => createPgModelRegistry({ pool: await pg.pool() }),
  cleanup: pg.cleanup,
})
