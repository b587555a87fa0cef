import { createPgCatalog } from '../../src/adapters/postgres/pg-catalog.js'
import { describeBlueGreen } from './blue-green-contract.js'
import { freshSchema } from '../scale/scale-fixtures.js'

describeBlueGreen('postgres', () => {
  const schema = freshSchema()
  return {
    async create() {
      return createPgCatalog({ pool: await (await schema).pool() })
    },
    async cleanup() {
      await (await schema).drop()
    },
  }
})
