import { runSubcommand, type CliContext, type Command } from '../../src/cli/context.js'
import { siblingModule } from '../../src/adapters/worker-loader.js'

/**
 * `ragtune finetune <sub>`. Dataset commands live in their own modules; each is imported only when run,
 * by a computed path, so this dispatcher compiles and runs even before every module exists.
 */
type Loader = () => Promise<Command>

function lazy(file: string, ...exportNames: string[]): Loader {
  return async () => {
    const mod = (await import(siblingModule(import.meta.url, file))) as Record<string, unknown>
    const found = [...exportNames, 'default'].map((n) => mod[n]).find((v) => typeof v === 'function')
    if (found === undefined) throw new Error(`${file} exports none of ${exportNames.join(', ')}`)
    return found as Command
  }
}

const subcommands: Record<string, { summary: string; load: Loader }> = {
  prepare: { summary: 'prepare <samples…> --out DIR [--pairs FILE.jsonl] [--json]', load: lazy('prepare', 'prepare') },
  validate: { summary: 'validate FILE.jsonl [--json]', load: lazy('validate', 'validate') },
  export: {
    summary: 'export --format axolotl|unsloth|llama-factory ...',
    load: lazy('export', 'exportCommand', 'exportDataset', 'export', 'run'),
  },
  run: {
    summary: 'run --train F --base-model M [--validation F] [--suffix S] [--epochs N] [--seed N] [--watch]',
    load: async () => (await import('./finetune-jobs.js')).run,
  },
  status: {
    summary: 'status [JOB] [--once]   (resumes watching; no JOB lists jobs)',
    load: async () => (await import('./finetune-jobs.js')).status,
  },
  cancel: { summary: 'cancel JOB', load: async () => (await import('./finetune-jobs.js')).cancel },
  register: { summary: 'register --name ID --base-url URL --model M', load: async () => (await import('./finetune-register.js')).register },
}

const usage = ['usage:', ...Object.values(subcommands).map((s) => `  ragtune finetune ${s.summary}`)].join('\n')

export const finetune: Command = (ctx: CliContext) => runSubcommand(ctx, 'finetune', usage, (name) => subcommands[name]?.load())
