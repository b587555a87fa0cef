import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import type { PgPool } from '../../src/adapters/postgres/pg-database.js'
import { freshSchema } from '../scale/scale-fixtures.js'

/**
 * Where a contract suite keeps a test's store: made on first use in the test (a store reopened in the same
 * test finds its data again) and removed by `cleanup` after it.
 */

/** A fresh PostgreSQL schema a test. */
export function pgSchemaPerTest(): { pool: () => Promise<PgPool>; cleanup: () => Promise<void> } {
  let db: Awaited<ReturnType<typeof freshSchema>> | undefined
  return {
    pool: async () => {
      db ??= await freshSchema()
      return db.pool()
    },
    cleanup: async () => {
      await db?.drop()
      db = undefined
    },
  }
}

/** A SQLite file `name` in a fresh temp folder a test. */
export function sqliteFilePerTest(prefix: string, name = 'store.db'): { path: () => string; cleanup: () => Promise<void> } {
  let dir: string | undefined
  return {
    path: () => {
      dir ??= fs.mkdtempSync(path.join(os.tmpdir(), prefix))
      return path.join(dir, name)
    },
    cleanup: async () => {
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
      dir = undefined
    },
  }
}

/**
 * Wraps a suite's `open`: every store opened through it in a test is closed after that test, then `cleanup`
 * runs; `closeNow` closes one earlier (a worker that dies mid-test).
 */
export function closedAfterEach<A extends unknown[], S extends { close(): Promise<void> }>(
  open: (...args: A) => Promise<S>,
  cleanup: () => Promise<void> = async () => {},
): ((...args: A) => Promise<S>) & { closeNow(store: S): Promise<void> } {
  const opened: S[] = []
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
    await cleanup()
  })
  const opener = async (...args: A): Promise<S> => {
    const store = await open(...args)
    opened.push(store)
    return store
  }
  return Object.assign(opener, {
    async closeNow(store: S) {
      opened.splice(opened.indexOf(store), 1)
      await store.close()
    },
  })
}
