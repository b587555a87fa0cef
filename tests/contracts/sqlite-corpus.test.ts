import pino from 'pino'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { sqliteFilePerTest } from './backends.js'
import { describeCorpusContract } from './corpus-contract.js'

const file = sqliteFilePerTest('ragtune-corpus-')

describeCorpusContract('sqlite', {
  create: async () => createSqliteCorpus({ path: file.path(), logger: pino({ level: 'silent' }) }),
  cleanup: file.cleanup,
})
