import { createPgJobStore } from '../../src/adapters/postgres/pg-jobs.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { workerBehaviour } from '../contracts/worker-contract.js'

// Jobs in PostgreSQL (FOR UPDATE SKIP LOCKED claims), corpus in the local SQLite file.
workerBehaviour('PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshSchema>> | undefined
  const schema = async (): Promise<Awaited<ReturnType<typeof freshSchema>>> => (db ??= await freshSchema())
  return {
    env: async () => {
      const s = await schema()
      await s.pool() // creates the schema that DATABASE_URL's search_path names
      return { DATABASE_URL: `${s.url}?options=${encodeURIComponent(`-c search_path=${s.schema}`)}` }
    },
    store: async (_dataDir, o) => createPgJobStore({ pool: await (await schema()).pool(), leaseMs: o.leaseMs, heartbeatMs: o.heartbeatMs }),
    cleanup: async () => db?.drop(),
  }
})
