import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { buildDeps, closeDeps } from '../deps.js'
import { checkCollectionName, documentKey } from '../core/collections.js'

const USAGE = 'ragtune ask "<question>" [--json] [--collection NAME] [--top-k N] [--doc-id ID]... [--voice V]'

/** `ragtune ask`: the same pipeline as POST /v1/ask, printed for a terminal or as one JSON line. */
export async function ask(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCliArgs(
    ctx,
    {
      json: { type: 'boolean' },
      'top-k': { type: 'string' },
      'doc-id': { type: 'string', multiple: true },
      voice: { type: 'string' },
      collection: { type: 'string' },
    },
    USAGE,
  )
  const question = positionals.join(' ').trim()
  if (question === '') throw new AppError('invalid_arguments', `a question is needed\nusage: ${USAGE}`)
  const topKRaw = values['top-k']
  const topK = typeof topKRaw === 'string' ? Number(topKRaw) : undefined
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1 && topK <= 50)) {
    throw new AppError('invalid_arguments', `--top-k must be a whole number from 1 to 50\nusage: ${USAGE}`)
  }
  // --collection: search only it, and --doc-id names documents in it
  const collection = typeof values.collection === 'string' ? checkCollectionName(values.collection) : undefined
  const docIds = (Array.isArray(values['doc-id']) ? values['doc-id'].filter((v): v is string => typeof v === 'string') : []).map((id) =>
    collection === undefined ? id : documentKey(collection, id),
  )
  const config = cliConfig(ctx)
  const deps = await buildDeps(config, cliLogger(ctx, config))
  try {
    if (deps.answerer === undefined) throw new AppError('not_configured', 'the answer pipeline is not available in this build')
    const result = await deps.answerer.ask(question, {
      ...(topK === undefined ? {} : { topK }),
      ...(docIds.length === 0 ? {} : { filter: { documentIds: docIds } }),
      ...(collection === undefined ? {} : { collections: [collection] }),
      ...(typeof values.voice === 'string' ? { voice: values.voice } : {}),
    })
    if (values.json === true) {
      writeJson(ctx.stdout, result)
      return 0
    }
    writeLine(ctx.stdout, result.answer)
    const derived = result.checks.filter((c) => c.expression !== undefined)
    if (derived.length > 0) {
      writeLine(ctx.stdout, '\nDerived:')
      for (const c of derived) writeLine(ctx.stdout, `  ${c.expression ?? ''}`)
    }
    if (result.citations.length > 0) {
      writeLine(ctx.stdout, '\nSources:')
      // document keys: `collection/id` outside the default collection
      for (const c of result.citations) writeLine(ctx.stdout, `[${c.n}] ${c.title} (${c.documentId} v${c.version}), ${c.locator}`)
    }
    const label = result.mode === 'extractive' ? 'extractive (no chat model configured)' : `${result.model ?? ''}, prompt ${result.prompt}`
    // Its own block, after a blank line: on a terminal stderr's lines interleave with stdout's.
    writeLine(ctx.stderr, `\nmode: ${label}; ${Math.round(result.timings.totalMs)} ms`)
    if (result.unsupportedNumbers.length > 0)
      writeLine(ctx.stderr, `warning: numbers found in no cited source: ${result.unsupportedNumbers.join(', ')}`)
    if (result.removedCitations.length > 0)
      writeLine(ctx.stderr, `warning: removed citations to missing sources: ${result.removedCitations.map((n) => `[${n}]`).join(' ')}`)
    return 0
  } finally {
    await closeDeps(deps)
  }
}
