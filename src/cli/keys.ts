import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { cliConfig, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { isScope } from '../core/keys.js'
import { checkCollectionName } from '../core/collections.js'
import { openKeyStore } from '../deps.js'

const USAGE =
  'ragtune keys create --scope query|admin [--collections a,b] [--name N] [--if-none] [--out FILE] [--json] | keys list [--json] | keys revoke ID [--json]'

/** `ragtune keys create|list|revoke`: a created key is printed once and stored only as a hash. */
export async function keys(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(
    ctx,
    {
      scope: { type: 'string' },
      name: { type: 'string' },
      collections: { type: 'string' },
      json: { type: 'boolean' },
      'if-none': { type: 'boolean' },
      out: { type: 'string' },
    },
    USAGE,
  )
  const json = values.json === true
  const [action, id] = positionals
  const store = await openKeyStore(cliConfig(ctx))
  try {
    if (action === 'create') {
      if (!isScope(values.scope)) throw new AppError('invalid_arguments', `--scope must be "query" or "admin"\nusage: ${USAGE}`)
      // --if-none: first-run setup (a one-shot container) may run on every start and create only one key.
      if (values['if-none'] === true && (await store.hasActiveKeys())) {
        if (json) writeJson(ctx.stdout, { created: false })
        else writeLine(ctx.stderr, 'an active key exists already: none created (--if-none)')
        return 0
      }
      const name = typeof values.name === 'string' ? values.name : undefined
      // default: every collection, as keys were before collections existed
      const collections =
        typeof values.collections === 'string' ? values.collections.split(',').map((c) => checkCollectionName(c.trim())) : undefined
      const { key, info } = await store.create({
        scope: values.scope,
        ...(name === undefined ? {} : { name }),
        ...(collections === undefined ? {} : { collections }),
      })
      if (typeof values.out === 'string') {
        // --out: the key goes to a file only its owner reads (a mounted secret), never to the logs.
        await mkdir(path.dirname(values.out), { recursive: true })
        await writeFile(values.out, `${key}\n`, { mode: 0o600 })
        if (json) writeJson(ctx.stdout, { created: true, file: values.out, ...info })
        else writeLine(ctx.stderr, `created ${info.scope} key ${info.id}: written to ${values.out}`)
        return 0
      }
      if (json) writeJson(ctx.stdout, { key, ...info })
      else {
        writeLine(ctx.stdout, key)
        const seen = info.collections === null ? 'all collections' : `collections ${info.collections.join(', ')}`
        writeLine(
          ctx.stderr,
          `created ${info.scope} key ${info.id}${info.name === null ? '' : ` (${info.name})`} for ${seen}: it is shown only now; store it safely`,
        )
      }
      return 0
    }
    if (action === 'list') {
      const list = await store.list()
      if (json) writeJson(ctx.stdout, { keys: list })
      else
        for (const k of list)
          writeLine(
            ctx.stdout,
            [
              k.id,
              k.scope,
              k.collections?.join(',') ?? '*',
              k.revokedAt === null ? 'active' : `revoked ${k.revokedAt}`,
              k.createdAt,
              k.name ?? '',
            ].join('\t'),
          )
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
