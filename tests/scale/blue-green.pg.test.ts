import { createPgRegistry } from '../../src/adapters/postgres/pg-registry.js'
import { describeBlueGreen } from './blue-green-behaviour.js'
import { freshSchema } from './scale-fixtures.js'

describeBlueGreen('postgres', () => {
  const schema = freshSchema()
  return {
    async create() {
      return createPgRegistry({ pool: await (await schema).pool() })
    },
    async cleanup() {
      await (await schema).drop()
    },
  }
})
