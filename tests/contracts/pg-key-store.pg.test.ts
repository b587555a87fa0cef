import { createPgKeyStore } from '../../src/adapters/postgres/pg-keys.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { describeKeyStoreContract } from './key-store-contract.js'

let db: Awaited<ReturnType<typeof freshSchema>> | undefined

describeKeyStoreContract('postgres', {
  async open() {
    db ??= await freshSchema()
    return createPgKeyStore({ pool: await db.pool() })
  },
  async storedHashes() {
    const { rows } = await (await db!.pool()).query<{ hash: string }>('SELECT hash FROM api_keys')
    return rows.map((r) => r.hash)
  },
  async cleanup() {
    await db?.drop()
    db = undefined
  },
})
