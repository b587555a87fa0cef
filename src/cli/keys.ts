import { cliConfig, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { isScope } from '../core/keys.js'
import { checkCollectionName } from '../core/collections.js'
import { openKeyStore } from '../deps.js'

const USAGE = 'ragtune keys create --scope query|admin [--collections a,b] [--name N] [--json] | keys list [--json] | keys revoke ID [--json]'

/** `ragtune keys create|list|revoke`: a created key is printed once and stored only as a hash. */
export async function keys(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(ctx, { scope: { type: 'string' }, name: { type: 'string' }, collections: { type: 'string' }, json: { type: 'boolean' } }, USAGE)
  const json = values.json === true
  const [action, id] = positionals
  const store = await openKeyStore(cliConfig(ctx))
  try {
    if (action === 'create') {
      if (!isScope(values.scope)) throw new AppError('invalid_arguments', `--scope must be "query" or "admin"\nusage: ${USAGE}`)
      const name = typeof values.name === 'string' ? values.name : undefined
      // default: every collection, as keys were before collections existed
      const collections = typeof values.collections === 'string' ? values.collections.split(',').map((c) => checkCollectionName(c.trim())) : undefined
      const { key, info } = await store.create({ scope: values.scope, ...(name === undefined ? {} : { name }), ...(collections === undefined ? {} : { collections }) })
      if (json) writeJson(ctx.stdout, { key, ...info })
      else {
        writeLine(ctx.stdout, key)
        const seen = info.collections === null ? 'all collections' : `collections ${info.collections.join(', ')}`
        writeLine(ctx.stderr, `created ${info.scope} key ${info.id}${info.name === null ? '' : ` (${info.name})`} for ${seen}: it is shown only now; store it safely`)
      }
      return 0
    }
    if (action === 'list') {
      const list = await store.list()
      if (json) writeJson(ctx.stdout, { keys: list })
      else for (const k of list) writeLine(ctx.stdout, [k.id, k.scope, k.collections?.join(',') ?? '*', k.revokedAt === null ? 'active' : `revoked ${k.revokedAt}`, k.createdAt, k.name ?? ''].join('\t'))
      return 0
    }
    if (action === 'revoke' && id !== undefined) {
      const done = await store.revoke(id)
      if (!done) throw new AppError('not_found', `no active key with id "${id}"; "ragtune keys list" shows them`)
      if (json) writeJson(ctx.stdout, { id, revoked: true })
      else writeLine(ctx.stdout, `revoked ${id}`)
      return 0
    }
    throw new AppError('invalid_arguments', `usage: ${USAGE}`)
  } finally {
    await store.close()
  }
}
