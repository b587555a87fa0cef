import { activateVoice } from '../finetune-service.js'
import { parseCliArgs, runSubcommand, writeJson, writeLine, type CliContext, type Command } from '../../src/cli/context.js'
import type { RegisteredModel } from '../../src/core/model-registry.js'
import { AppError } from '../../src/errors.js'
import { checkCollectionName } from '../../src/core/collections.js'
import { activationVerdict } from '../registry/activation-gate.js'
import { withFineTuneDeps } from './finetune-deps.js'

/** `ragtune models list|activate ID [--force]|deactivate|eval ID|add-voice`: the voice registry. */
const USAGE = [
  'usage:',
  '  ragtune models list [--json]',
  '  ragtune models activate ID [--force] [--json]',
  '  ragtune models deactivate [--json]          (answers with RAGTUNE_CHAT_MODEL again)',
  '  ragtune models eval ID --prompts FILE.jsonl --voice DIR --contrast DIR [--limit N] [--json]',
  '  ragtune models add-voice --name ID --samples DIR [--model FT_ID] [--json]',
  '  ragtune models bind ID --collection NAME|--any [--json]   (the voice answers from that collection)',
].join('\n')

function describe(m: RegisteredModel): string {
  const where = m.baseURL === null ? '' : ` @ ${m.baseURL}`
  const e = m.evaluation
  const score =
    e === null
      ? 'not evaluated'
      : `voice ${e.voiceScore.tuned.toFixed(3)} vs base ${e.voiceScore.base.toFixed(3)}, flags ${e.flags.tuned} vs ${e.flags.base}`
  return `${m.active ? '*' : ' '} ${m.id}  ${m.kind}  ${m.status}  ${m.provider}:${m.model ?? '(base chat model)'}${where}  ${score}`
}

const list: Command = async (ctx) => {
  const { values } = parseCliArgs(ctx, { json: { type: 'boolean' } }, 'ragtune models list [--json]')
  return withFineTuneDeps(ctx, async ({ registry }) => {
    const models = await registry.list()
    if (values.json === true) for (const m of models) writeJson(ctx.stdout, { ...m, activation: activationVerdict(m) })
    else if (models.length === 0)
      writeLine(ctx.stdout, 'no models registered: `ragtune finetune run`, `finetune register` or `models add-voice` add one')
    else for (const m of models) writeLine(ctx.stdout, describe(m))
    return 0
  })
}

const activate: Command = async (ctx) => {
  const usage = 'ragtune models activate ID [--force] [--json]'
  const { values, positionals } = parseCliArgs(ctx, { force: { type: 'boolean' }, json: { type: 'boolean' } }, usage)
  const id = positionals[0]
  if (id === undefined || positionals.length > 1) throw new AppError('invalid_arguments', `give one model id\nusage: ${usage}`)
  return withFineTuneDeps(ctx, async (deps) => {
    // no provider needed (and none built): activating a prompted voice works without fine-tuning settings
    const result = await activateVoice(deps.registry, deps.logger, id, { force: values.force === true })
    if (values.json === true) writeJson(ctx.stdout, result)
    else {
      writeLine(ctx.stdout, `"${result.id}" is now the active voice; the server uses it from its next request`)
      if (result.note !== undefined) writeLine(ctx.stdout, `note: ${result.note}`)
    }
    return 0
  })
}

const deactivate: Command = async (ctx) => {
  const { values } = parseCliArgs(ctx, { json: { type: 'boolean' } }, 'ragtune models deactivate [--json]')
  return withFineTuneDeps(ctx, async ({ registry }) => {
    await registry.deactivateAll()
    if (values.json === true) writeJson(ctx.stdout, { active: null })
    else writeLine(ctx.stdout, 'no voice is active; answers use RAGTUNE_CHAT_MODEL')
    return 0
  })
}

const bind: Command = async (ctx) => {
  const usage = 'ragtune models bind ID --collection NAME|--any [--json]'
  const { values, positionals } = parseCliArgs(
    ctx,
    { collection: { type: 'string' }, any: { type: 'boolean' }, json: { type: 'boolean' } },
    usage,
  )
  const id = positionals[0]
  const named = typeof values.collection === 'string' ? checkCollectionName(values.collection) : undefined
  if (id === undefined || positionals.length > 1 || (named === undefined) === (values.any !== true)) {
    throw new AppError('invalid_arguments', `give one voice id and either --collection NAME or --any\nusage: ${usage}`)
  }
  return withFineTuneDeps(ctx, async ({ registry }) => {
    const m = await registry.bindCollection(id, named ?? null)
    if (values.json === true) writeJson(ctx.stdout, { id: m.id, collection: m.collection })
    else
      writeLine(
        ctx.stdout,
        m.collection === null
          ? `"${m.id}" answers from every collection the caller sees`
          : `"${m.id}" answers from collection ${m.collection}`,
      )
    return 0
  })
}

const subcommands: Record<string, () => Promise<Command>> = {
  bind: async () => bind,
  list: async () => list,
  activate: async () => activate,
  deactivate: async () => deactivate,
  eval: async () => (await import('./models-eval.js')).modelsEval,
  'add-voice': async () => (await import('./models-add-voice.js')).addVoice,
}

export const models: Command = (ctx: CliContext) => runSubcommand(ctx, 'models', USAGE, (name) => subcommands[name]?.())
