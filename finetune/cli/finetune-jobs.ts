import fs from 'node:fs/promises'
import path from 'node:path'
import { parseCliArgs, requiredFlags, writeLine, type CliContext, type Command } from '../../src/cli/context.js'
import type { FineTuneFile } from '../../src/core/finetune.js'
import { AppError, errorBody } from '../../src/errors.js'
import { withFineTuneDeps, type FineTuneCliDeps } from './finetune-deps.js'
import { createJobPrinter, exitCodeFor } from './job-printer.js'
import { parsePositiveInteger, parsePositiveNumber, parseSeed, stringFlag } from './flags.js'

const RUN_USAGE =
  'ragtune finetune run --train F --base-model M [--validation F] [--suffix S] [--name ID] [--epochs N] [--batch-size N] ' +
  '[--lr-multiplier X] [--seed N] [--watch] [--poll-seconds N] [--skip-validation] [--json]'
const STATUS_USAGE = 'ragtune finetune status [JOB] [--once] [--poll-seconds N] [--json]   (no JOB: list the jobs in the store)'
const CANCEL_USAGE = 'ragtune finetune cancel JOB [--json]'

function pollMs(value: unknown, usage: string): number {
  if (value === undefined) return 10_000
  const n = typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < 0)
    throw new AppError('invalid_arguments', `--poll-seconds needs a number of seconds (0 or more)\nusage: ${usage}`)
  return n * 1000
}

/** Reads a dataset file; the runner checks it before upload, as it does for POST /v1/finetunes. */
async function readDataset(file: string): Promise<FineTuneFile> {
  let content: Buffer
  try {
    content = await fs.readFile(file)
  } catch (err) {
    throw new AppError('file_not_found', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  return { name: path.basename(file), content }
}

async function follow(ctx: CliContext, deps: FineTuneCliDeps, jobId: string, json: boolean, poll: number): Promise<number> {
  const printer = createJobPrinter(ctx, json)
  const watch = deps.runner().watch(jobId, {
    pollMs: poll,
    onRetry: (err, attempt) => writeLine(ctx.stderr, `ragtune: ${errorBody(err).message}; polling again (attempt ${attempt})`),
  })
  for (;;) {
    const next = await watch.next()
    if (next.done === true) {
      printer.job(next.value)
      const registered = next.value.status === 'succeeded' ? await deps.registry.findByJob(jobId) : undefined
      if (registered !== undefined && !json) {
        writeLine(
          ctx.stdout,
          `registered as "${registered.id}"; evaluate with \`ragtune models eval ${registered.id}\`, then \`ragtune models activate ${registered.id}\``,
        )
      }
      return exitCodeFor(next.value)
    }
    printer.update(next.value)
  }
}

export const run: Command = async (ctx) => {
  const { values } = parseCliArgs(
    ctx,
    {
      train: { type: 'string' },
      validation: { type: 'string' },
      'base-model': { type: 'string' },
      suffix: { type: 'string' },
      name: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'lr-multiplier': { type: 'string' },
      seed: { type: 'string' },
      watch: { type: 'boolean' },
      'poll-seconds': { type: 'string' },
      'skip-validation': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    RUN_USAGE,
  )
  const { train, 'base-model': baseModel } = requiredFlags(values, ['train', 'base-model'], RUN_USAGE)
  const epochs = parsePositiveInteger(values.epochs, '--epochs', RUN_USAGE)
  const batchSize = parsePositiveInteger(values['batch-size'], '--batch-size', RUN_USAGE)
  const lr = parsePositiveNumber(values['lr-multiplier'], '--lr-multiplier', RUN_USAGE)
  // Seeds may be 0; every other number must be positive.
  const seed = parseSeed(values.seed, RUN_USAGE)
  const poll = pollMs(values['poll-seconds'], RUN_USAGE)
  const json = values.json === true
  const skip = values['skip-validation'] === true
  const validationPath = stringFlag(values.validation)
  const suffix = stringFlag(values.suffix)
  const name = stringFlag(values.name)
  const training = await readDataset(train)
  const validation = validationPath === undefined ? undefined : await readDataset(validationPath)

  return withFineTuneDeps(ctx, async (deps) => {
    const job = await deps.runner({ skipDatasetChecks: skip }).start({
      baseModel,
      training,
      ...(validation === undefined ? {} : { validation }),
      ...(suffix === undefined ? {} : { suffix }),
      ...(name === undefined ? {} : { name }),
      ...(epochs === undefined ? {} : { epochs }),
      ...(batchSize === undefined ? {} : { batchSize }),
      ...(lr === undefined ? {} : { learningRateMultiplier: lr }),
      ...(seed === undefined ? {} : { seed }),
    })
    createJobPrinter(ctx, json).job(job)
    if (values.watch !== true) {
      if (!json) writeLine(ctx.stdout, `follow it with \`ragtune finetune status ${job.id}\` (safe to interrupt and resume)`)
      return 0
    }
    return follow(ctx, deps, job.id, json, poll)
  })
}

export const status: Command = async (ctx) => {
  const { values, positionals } = parseCliArgs(
    ctx,
    { once: { type: 'boolean' }, 'poll-seconds': { type: 'string' }, json: { type: 'boolean' } },
    STATUS_USAGE,
  )
  const jobId = positionals[0]
  if (positionals.length > 1) throw new AppError('invalid_arguments', `give one job id\nusage: ${STATUS_USAGE}`)
  const json = values.json === true
  const poll = pollMs(values['poll-seconds'], STATUS_USAGE)
  return withFineTuneDeps(ctx, async (deps) => {
    if (jobId === undefined) {
      const printer = createJobPrinter(ctx, json)
      const jobs = await deps.jobs.list()
      if (jobs.length === 0 && !json) writeLine(ctx.stdout, 'no fine-tuning jobs yet: `ragtune finetune run` starts one')
      for (const j of jobs) printer.job(j)
      return 0
    }
    if (values.once === true) {
      createJobPrinter(ctx, json).job(await deps.runner().get(jobId))
      return 0
    }
    return follow(ctx, deps, jobId, json, poll)
  })
}

export const cancel: Command = async (ctx) => {
  const { values, positionals } = parseCliArgs(ctx, { json: { type: 'boolean' } }, CANCEL_USAGE)
  const jobId = positionals[0]
  if (jobId === undefined || positionals.length > 1) throw new AppError('invalid_arguments', `give one job id\nusage: ${CANCEL_USAGE}`)
  return withFineTuneDeps(ctx, async (deps) => {
    createJobPrinter(ctx, values.json === true).job(await deps.runner().cancel(jobId))
    return 0
  })
}
