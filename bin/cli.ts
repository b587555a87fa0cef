import { readFileSync } from 'node:fs'
import type { CliContext, Command } from '../src/cli/context.js'
import { isHelp, reportCliError, writeLine } from '../src/cli/output.js'

/**
 * The outermost ring: the only module that knows every command. Commands load lazily so `ragtune ask`
 * never pays for the fine-tuning code. src/ never imports ingestion/ or finetune/; this file composes them.
 */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'serve [--port N] [--host H]', load: async () => (await import('./serve.js')).serve },
  ask: {
    summary: 'ask "<question>" [--json] [--collection NAME] [--top-k N] [--doc-id ID]... [--voice V]',
    load: async () => (await import('../src/cli/ask.js')).ask,
  },
  keys: {
    summary: 'keys create --scope query|admin [--collections a,b] [--name N] | keys list | keys revoke ID',
    load: async () => (await import('../src/cli/keys.js')).keys,
  },
  ingest: {
    summary:
      'ingest <file|dir>... [--collection NAME] [--doc-id ID] [--json] [--title T] [--company C] [--year Y] [--quarter Q] [--type T]',
    load: async () => (await import('../ingestion/cli.js')).ingest,
  },
  worker: {
    summary: 'worker [--once] [--concurrency N] [--json]   (runs queued uploads; RAGTUNE_INGEST_MODE=queue)',
    load: async () => (await import('../ingestion/worker-command.js')).worker,
  },
  store: {
    summary:
      'store init|check|repair [--json]   (init: Pinecone index + migrations, idempotent; check/repair: integrity, repair backs up first)',
    load: async () => (await import('../src/cli/store.js')).store,
  },
  reembed: {
    summary: 'reembed [--doc-id ID]... [--json]   (vectors from RAGTUNE_EMBEDDING_MODEL, no new versions)',
    load: async () => (await import('../ingestion/reembed-command.js')).reembed,
  },
  documents: {
    summary: 'documents list|show ID|delete ID|facts ID [--page N] [--collection NAME] [--json]',
    load: async () => (await import('../src/cli/documents.js')).documents,
  },
  collections: {
    summary: 'collections list|create NAME|delete NAME [--force] [--json]',
    load: async () => (await import('../src/cli/collections.js')).collections,
  },
  finetune: {
    summary: 'finetune prepare|validate|run|status|cancel|export|register ...',
    load: async () => (await import('../finetune/cli/finetune.js')).finetune,
  },
  models: {
    summary: 'models list|activate ID [--force]|deactivate|eval ID|add-voice ...',
    load: async () => (await import('../finetune/cli/models.js')).models,
  },
  eval: {
    summary:
      'eval retrieval --questions FILE.jsonl --pdfs DIR [--collection NAME] [--json] | eval voice --voice DIR --contrast DIR [--json]',
    load: async () => (await import('./eval.js')).evaluate,
  },
}

const usage = [
  'usage: ragtune [--data-dir DIR] <command> [options]   (ragtune <command> --help for one command; --version)',
  '',
  ...Object.values(commands).map((c) => `  ragtune ${c.summary}`),
  '',
  'Global: --data-dir DIR (env RAGTUNE_DATA_DIR, default ./data) is where the store lives.',
].join('\n')

/** package.json sits one directory up from bin/ and two from dist/bin/. */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version
    } catch {
      // not this level
    }
  }
  return 'unknown'
}

/**
 * `.env` in the current directory, read once at start with Node's own parser. It never overrides a
 * variable already in the environment, and flags override both: flags > environment > .env.
 */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/**
 * `ragtune … | head -3`: once the reader goes away, a write fails with EPIPE. That is the reader's choice,
 * not an error: stop at once, quietly, instead of printing a stack trace.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0)
      throw err
    })
  }
}

export async function main(argv: readonly string[], io: Partial<Omit<CliContext, 'argv'>> = {}): Promise<number> {
  // In-process callers (tests) pass their own environment; a real run reads .env into process.env.
  if (io.env === undefined) loadDotEnv()
  if (io.stdout === undefined) endQuietlyOnClosedPipe()
  let dataDir: string | undefined
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    if (a === '--data-dir') {
      dataDir = argv[++i]
      if (dataDir === undefined) {
        writeLine(process.stderr, 'ragtune: --data-dir needs a directory [invalid_arguments]')
        return 2
      }
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length)
    else rest.push(a)
  }
  const [name, ...args] = rest
  const ctx: CliContext = {
    argv: args,
    env: io.env ?? process.env,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    ...(dataDir === undefined ? (io.dataDir === undefined ? {} : { dataDir: io.dataDir }) : { dataDir }),
  }
  if (name === '--version' || name === '-v') {
    writeLine(ctx.stdout, `ragtune ${packageVersion()} (node ${process.versions.node})`)
    return 0
  }
  if (name === undefined || isHelp(name)) {
    writeLine(ctx.stdout, usage)
    return name === undefined ? 2 : 0
  }
  const entry = commands[name]
  if (entry === undefined) {
    writeLine(ctx.stderr, `ragtune: unknown command "${name}" [invalid_arguments]\n${usage}`)
    return 2
  }
  try {
    const command = await entry.load()
    return await command(ctx)
  } catch (err) {
    return reportCliError(ctx, err, args.includes('--json'))
  }
}
