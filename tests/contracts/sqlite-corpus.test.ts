import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { describeCorpusContract } from './corpus-contract.js'

let dir: string | undefined

describeCorpusContract('sqlite', {
  async create() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-corpus-'))
    return createSqliteCorpus({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) })
  },
  async cleanup() {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  },
})
