import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { createLogger } from '../../src/logger.js'
import { postDocuments } from '../support/multipart.js'

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8)

describe('the store is private whatever the umask', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-perm-'))
  let saved: number
  beforeEach(() => {
    // the loosest umask there is: nothing masked
    saved = process.umask(0)
  })
  afterEach(() => {
    process.umask(saved)
  })
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

  it('creates the data dir 0700 and the database, its -wal/-shm and staged uploads 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data')
    const deps = await buildDeps(
      loadConfig({ RAGTUNE_DATA_DIR: dataDir, RAGTUNE_INGEST_WORKERS: '0', RAGTUNE_INGEST_MODE: 'queue' }),
      createLogger({ level: 'silent' }),
    )
    const app = await buildApp(deps)
    try {
      const res = await postDocuments(app, [{ name: 'delta.txt', data: 'Delta Corp revenue was 4 million.\n' }])
      expect(res.statusCode).toBe(202)
      const db = path.join(dataDir, 'ragtune.db')
      expect(mode(dataDir)).toBe('700')
      expect(mode(db)).toBe('600')
      for (const side of ['-wal', '-shm']) if (fs.existsSync(db + side)) expect(mode(db + side)).toBe('600')
      expect(fs.existsSync(`${db}-wal`)).toBe(true)
      // queue mode keeps the staged upload for a worker
      const staged = fs.readdirSync(path.join(dataDir, 'uploads'), { recursive: true, withFileTypes: true })
      const files = staged.filter((e) => e.isFile())
      expect(files.length).toBe(1)
      for (const e of staged) expect(mode(path.join(e.parentPath, e.name))).toBe(e.isDirectory() ? '700' : '600')
      expect(mode(path.join(dataDir, 'uploads'))).toBe('700')
    } finally {
      await app.close()
      await closeDeps(deps)
    }
  })

  it('warns at start about an existing store others can read', async () => {
    const dataDir = path.join(root, 'old')
    fs.mkdirSync(dataDir, { mode: 0o755 })
    fs.writeFileSync(path.join(dataDir, 'ragtune.db'), '', { mode: 0o644 })
    const lines: string[] = []
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const deps = await buildDeps(
      loadConfig({ RAGTUNE_DATA_DIR: dataDir, RAGTUNE_INGEST_WORKERS: '0' }),
      createLogger({ level: 'warn', to: sink }),
    )
    await closeDeps(deps)
    const warnings = lines.map((l) => JSON.parse(l) as { path?: string; mode?: string; msg: string }).filter((l) => l.path !== undefined)
    expect(warnings.map((w) => [path.basename(w.path!), w.mode])).toEqual([
      ['old', '755'],
      ['ragtune.db', '644'],
    ])
    expect(warnings[0]?.msg).toMatch(/chmod 700/)
  })
})
