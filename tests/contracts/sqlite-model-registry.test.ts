import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { sqliteFilePerTest } from './backends.js'
import { describeModelRegistryContract, tuned } from './model-registry-contract.js'

const file = sqliteFilePerTest('ragtune-registry-')

describeModelRegistryContract('sqlite', {
  create: async () => createSqliteModelRegistry({ path: file.path() }),
  cleanup: file.cleanup,
})

describe('SQLite model registry: writes by other processes', () => {
  it('sees an activation made through another connection within its check bound, its own at once', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-registry-'))
    const file = path.join(tmp, 'store.db')
    const registry = createSqliteModelRegistry({ path: file, checkMs: 100 })
    // a plain connection stands for another process: it shares no state with this one
    const other = new Database(file)
    try {
      await registry.upsert(tuned('a', 'ft:a'))
      const v1 = await registry.version()
      other.prepare('UPDATE models SET active = 1 WHERE id = ?').run('a')
      other.prepare('UPDATE model_registry_version SET version = version + 1 WHERE id = 1').run()
      await new Promise((r) => setTimeout(r, 150))
      const v2 = await registry.version()
      expect(v2).toBeGreaterThan(v1)
      expect(await registry.version()).toBe(v2)
      await registry.deactivateAll()
      expect(await registry.version()).toBeGreaterThan(v2)
    } finally {
      other.close()
      await registry.close()
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })
})
