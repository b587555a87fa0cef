import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { closeDeps } from '../composition/app-deps.js'
import { openDocumentStore } from '../composition/document-store.js'
import { DEFAULT_COLLECTION, checkCollectionName, documentKey, parseDocumentKey } from '../core/collections.js'
import { deleteDocument } from '../core/originals.js'

const USAGE = 'ragtune documents list|show ID|delete ID|facts ID [--page N] [--collection NAME] [--json]'

/**
 * `ragtune documents list|show ID|delete ID|facts ID [--page N] [--collection NAME] [--json]`. `list`
 * shows every collection unless one is named; the others act in `default` unless one is named.
 */
export async function documents(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(
    ctx,
    { json: { type: 'boolean' }, page: { type: 'string' }, collection: { type: 'string' } },
    USAGE,
  )
  const collection = typeof values.collection === 'string' ? checkCollectionName(values.collection) : undefined
  const json = values.json === true
  const [action, id, ...extra] = positionals
  if (
    action === undefined ||
    !['list', 'show', 'delete', 'facts'].includes(action) ||
    (action !== 'list' && id === undefined) ||
    extra.length > 0
  ) {
    throw new AppError('invalid_arguments', `usage: ${USAGE}`)
  }
  const page = typeof values.page === 'string' ? Number(values.page) : undefined
  if (page !== undefined && !(Number.isInteger(page) && page >= 1))
    throw new AppError('invalid_arguments', `--page must be a page number from 1\nusage: ${USAGE}`)
  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const deps = await openDocumentStore(config, logger)
  try {
    const corpus = deps.corpus
    if (action === 'list') {
      const docs = (await corpus.listDocuments(collection === undefined ? undefined : [collection])).map((d) => ({
        ...d,
        ...parseDocumentKey(d.id),
      }))
      if (json) writeJson(ctx.stdout, { documents: docs })
      else if (docs.length === 0) writeLine(ctx.stdout, 'no documents; add some with `ragtune ingest <file|dir>`')
      else
        for (const d of docs)
          writeLine(ctx.stdout, `${d.id}\t${d.collection}\tv${d.activeVersion}\t${d.pages} pages\t${d.chunks} chunks\t${d.meta.title}`)
      return 0
    }
    const docId = id ?? ''
    const key = documentKey(collection ?? DEFAULT_COLLECTION, docId)
    if (action === 'show') {
      const doc = await corpus.getDocument(key)
      if (doc === undefined) throw notFound(docId)
      const shown = { ...doc, ...parseDocumentKey(doc.id) }
      if (json) writeJson(ctx.stdout, shown)
      else writeLine(ctx.stdout, JSON.stringify(shown, null, 2))
      return 0
    }
    if (action === 'facts') {
      if ((await corpus.getDocument(key)) === undefined) throw notFound(docId)
      if (corpus.facts === undefined)
        throw new AppError('not_supported', `the ${corpus.kind} store keeps no statement facts`, { status: 501 })
      const facts = await corpus.facts(key, page === undefined ? {} : { page })
      if (json) writeJson(ctx.stdout, { id: docId, facts })
      else if (facts.length === 0) writeLine(ctx.stdout, `no statement facts for ${docId}${page === undefined ? '' : ` on page ${page}`}`)
      else
        for (const f of facts)
          writeLine(
            ctx.stdout,
            `p${f.page}\t${f.period}\t${f.value.toLocaleString('en-US')}\t${UNIT_NAMES[f.scale] ?? `x${f.scale}`}\t${f.label}`,
          )
      return 0
    }
    if (!(await deleteDocument(deps, key))) throw notFound(docId)
    if (json) writeJson(ctx.stdout, { id: docId, collection: collection ?? DEFAULT_COLLECTION, deleted: true })
    else writeLine(ctx.stdout, `deleted ${docId}`)
    return 0
  } finally {
    await closeDeps(deps)
  }
}

const UNIT_NAMES: Record<number, string> = { 1: 'units', 1e3: 'thousands', 1e6: 'millions', 1e9: 'billions' }

function notFound(id: string): AppError {
  return new AppError('document_not_found', `no document "${id}"; \`ragtune documents list\` shows them`, { status: 404 })
}
