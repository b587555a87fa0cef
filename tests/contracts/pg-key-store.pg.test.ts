import { createPgKeyStore } from '../../src/adapters/postgres/pg-keys.js'
import { pgSchemaPerTest } from './backends.js'
import { describeKeyStoreContract } from './key-store-contract.js'

const pg = pgSchemaPerTest()

describeKeyStoreContract('postgres', {
  open: async () => createPgKeyStore({ pool: await pg.pool() }),
  async storedHashes() {
    const { rows } = await (await pg.pool()).query<{ hash: string }>('SELECT hash FROM api_keys')
    return rows.map((r) => r.hash)
  },
  cleanup: pg.cleanup,
})
