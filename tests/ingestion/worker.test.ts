import path from 'node:path'
import { createSqliteJobStore } from '../../src/adapters/sqlite/sqlite-jobs.js'
import { workerBehaviour } from '../contracts/worker-contract.js'

// Each extra store is what another worker process on the same SQLite file would open (its own owner token).
workerBehaviour('SQLite', () => ({
  env: async () => ({}),
  store: async (dataDir, o) =>
    createSqliteJobStore({ path: path.join(dataDir, 'ragtune.db'), leaseMs: o.leaseMs, heartbeatMs: o.heartbeatMs }),
  cleanup: async () => undefined,
}))
