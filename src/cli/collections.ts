import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { closeDeps } from '../composition/app-deps.js'
import { openDocumentStore } from '../composition/document-store.js'
import { checkCollectionName, collectionNotFound, parseDocumentKey } from '../core/collections.js'
import { deleteCollection } from '../core/originals.js'

const USAGE = 'ragtune collections list|create NAME|delete NAME [--force] [--json]'

/**
 * `ragtune collections`: list them with their document counts, create an empty one, delete one (one that
 * holds documents only with --force, and then its documents go with it in one transaction, or none do).
 */
export async function collections(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(ctx, { json: { type: 'boolean' }, force: { type: 'boolean' } }, USAGE)
  const json = values.json === true
  const [action, name, ...extra] = positionals
  if (
    action === undefined ||
    !['list', 'create', 'delete'].includes(action) ||
    (action !== 'list' && name === undefined) ||
    extra.length > 0
  ) {
    throw new AppError('invalid_arguments', `usage: ${USAGE}`)
  }
  const config = cliConfig(ctx)
  const deps = await openDocumentStore(config, cliLogger(ctx, config))
  try {
    const { corpus } = deps
    if (action === 'list') {
      const list = await corpus.listCollections()
      if (json) writeJson(ctx.stdout, { collections: list })
      else if (list.length === 0)
        writeLine(
          ctx.stdout,
          'no collections yet; `ragtune ingest --collection NAME <file|dir>` or `ragtune collections create NAME` makes one',
        )
      else for (const c of list) writeLine(ctx.stdout, `${c.name}\t${c.documents} documents`)
      return 0
    }
    const collection = checkCollectionName(name ?? '')
    if (action === 'create') {
      const created = await corpus.createCollection(collection)
      if (!created)
        throw new AppError('collection_exists', `collection "${collection}" already exists; \`ragtune collections list\` shows them`, {
          status: 409,
        })
      if (json) writeJson(ctx.stdout, { name: collection, created: true })
      else writeLine(ctx.stdout, `created collection ${collection}`)
      return 0
    }
    const deleted = await deleteCollection(deps, collection, { force: values.force === true })
    if (deleted === undefined) throw collectionNotFound(collection)
    const ids = deleted.map((key) => parseDocumentKey(key).id)
    if (json) writeJson(ctx.stdout, { name: collection, deleted: true, documents: ids })
    else
      writeLine(
        ctx.stdout,
        `deleted collection ${collection}${ids.length === 0 ? '' : ` and its ${ids.length} document(s): ${ids.join(', ')}`}`,
      )
    return 0
  } finally {
    await closeDeps(deps)
  }
}
