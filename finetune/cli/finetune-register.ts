import { parseCliArgs, requiredFlags, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { openChatModel } from '../../src/composition/models.js'
import { AppError, errorBody } from '../../src/errors.js'
import { stringFlag } from './flags.js'
import { withFineTuneDeps } from './finetune-deps.js'

const USAGE = 'ragtune finetune register --name ID --base-url URL --model M [--base-model M] [--api-key-env VAR] [--json]'

/**
 * Records an adapter served by any OpenAI-compatible server (vLLM --enable-lora, Ollama ADAPTER) once it
 * has answered: one short streamed completion must produce text and end with a finish reason.
 */
export const register: Command = async (ctx) => {
  const { values } = parseCliArgs(
    ctx,
    {
      name: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'base-model': { type: 'string' },
      'api-key-env': { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  )
  const { name, 'base-url': baseURL, model } = requiredFlags(values, ['name', 'base-url', 'model'], USAGE)
  if (!/^[\w.:-]{1,128}$/.test(name))
    throw new AppError('invalid_arguments', `--name "${name}" must be 1-128 letters, digits, '.', ':', '_' or '-'`)
  if (!URL.canParse(baseURL) || !/^https?:$/.test(new URL(baseURL).protocol))
    throw new AppError('invalid_arguments', `--base-url must be an http(s) URL, got "${baseURL}"`)
  const keyVar = stringFlag(values['api-key-env'])
  // The OpenAI key never goes to another server unless asked for by name.
  const apiKey = keyVar === undefined ? undefined : ctx.env[keyVar]
  if (keyVar !== undefined && apiKey === undefined)
    throw new AppError('invalid_arguments', `--api-key-env ${keyVar}: that variable is not set`)
  const json = values.json === true

  return withFineTuneDeps(ctx, async (deps) => {
    const chat = openChatModel(deps.config, { model, baseURL, ...(apiKey === undefined ? {} : { apiKey }), maxRetries: 0 })
    let text = ''
    let finish: string | undefined
    try {
      for await (const delta of chat.stream(
        { messages: [{ role: 'user', content: 'Reply with one short sentence: are you ready?' }], maxTokens: 32, temperature: 0 },
        (done) => {
          finish = done.finishReason
        },
      )) {
        text += delta
      }
    } catch (err) {
      const body = errorBody(err)
      throw new AppError(
        'smoke_test_failed',
        `${model} at ${baseURL} did not answer a test completion (${body.code}: ${body.message}); nothing registered`,
        { cause: err },
      )
    }
    if (text.trim().length === 0 || finish === undefined) {
      throw new AppError(
        'smoke_test_failed',
        `${model} at ${baseURL} answered ${text.trim().length === 0 ? 'no text' : 'without a finish reason'}; nothing registered`,
      )
    }
    const existing = await deps.registry.get(name)
    const m = await deps.registry.upsert({
      id: name,
      provider: 'openai-compatible',
      model,
      baseModel: stringFlag(values['base-model']) ?? existing?.baseModel ?? null,
      baseURL,
      datasetHash: existing?.datasetHash ?? null,
      jobId: null,
      status: 'ready',
      kind: existing?.kind === 'prompted' || existing?.kind === 'prompted+fine-tuned' ? 'prompted+fine-tuned' : 'fine-tuned',
    })
    if (json) writeJson(ctx.stdout, { registered: m, smokeTest: { text, finishReason: finish } })
    else
      writeLine(
        ctx.stdout,
        `registered "${m.id}": ${model} at ${baseURL} (smoke test answered, finish ${finish}); activate with \`ragtune models activate ${m.id}\``,
      )
    return 0
  })
}
