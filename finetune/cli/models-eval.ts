import fs from 'node:fs/promises'
import { parseCliArgs, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { openChatModel } from '../../src/composition/models.js'
import type { ChatMessage } from '../../src/core/models.js'
import { AppError } from '../../src/errors.js'
import { evaluateVoiceModel, parseHeldOutPrompts, type EvalCandidate, type HeldOutPrompt } from '../registry/evaluate-voice-model.js'
import { loadVoiceScorer } from '../registry/load-voice-scorer.js'
import { activationVerdict } from '../registry/activation-gate.js'
import { parsePositiveNumber, stringFlag } from './flags.js'
import { withFineTuneDeps } from './finetune-deps.js'

const USAGE = 'ragtune models eval ID --prompts FILE.jsonl --voice DIR --contrast DIR [--base-model M] [--limit N] [--json]'

/**
 * Base vs tuned (and prompted, when the voice has samples) on the same held-out prompts: the voice score
 * of each and the fact-lock flags each raised. The result is stored, and `models activate` reads it.
 */
export const modelsEval: Command = async (ctx) => {
  const { values, positionals } = parseCliArgs(
    ctx,
    {
      prompts: { type: 'string' },
      voice: { type: 'string', multiple: true },
      contrast: { type: 'string', multiple: true },
      'base-model': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  )
  const id = positionals[0]
  const promptsFile = stringFlag(values.prompts)
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [])
  const voice = strings(values.voice)
  const contrast = strings(values.contrast)
  if (id === undefined || promptsFile === undefined || voice.length === 0 || contrast.length === 0) {
    throw new AppError('invalid_arguments', `a model id, --prompts, --voice and --contrast are required\nusage: ${USAGE}`)
  }
  const limit = parsePositiveNumber(values.limit, '--limit', USAGE) ?? 20
  const prompts = parseHeldOutPrompts(
    await fs.readFile(promptsFile, 'utf8').catch(() => {
      throw new AppError('file_not_found', `cannot read ${promptsFile}`)
    }),
  ).slice(0, limit)
  if (prompts.length === 0)
    throw new AppError('no_prompts', `${promptsFile} holds no usable prompts (chat JSONL with a user message, or {"prompt": "..."} lines)`)

  return withFineTuneDeps(ctx, async ({ registry, config }) => {
    const model = await registry.get(id)
    if (model === undefined) throw new AppError('model_not_found', `no model "${id}" in the registry; see \`ragtune models list\``)
    const baseModel = stringFlag(values['base-model']) ?? model.baseModel ?? config.models.chatModel
    if (baseModel === undefined)
      throw new AppError('invalid_arguments', `no base model to compare with: pass --base-model or set RAGTUNE_CHAT_MODEL`)
    // A self-served adapter's base model lives on the same server (vLLM serves both); OpenAI's on OpenAI.
    const defaultChat = openChatModel(config, { model: baseModel, baseURL: model.baseURL })
    const tunedChat = defaultChat
    const ask = (chat: typeof defaultChat, name: string) => async (messages: ChatMessage[]) =>
      (await chat.complete({ model: name, messages, maxTokens: 400, temperature: 0.7 })).text
    const plain = (p: HeldOutPrompt): ChatMessage[] => [
      ...(p.system === undefined ? [] : [{ role: 'system' as const, content: p.system }]),
      { role: 'user', content: p.user },
    ]

    const candidates: EvalCandidate[] = [{ name: 'base', model: baseModel, generate: (p) => ask(defaultChat, baseModel)(plain(p)) }]
    if (model.model !== null)
      candidates.push({ name: 'tuned', model: model.model, generate: (p) => ask(tunedChat, model.model ?? baseModel)(plain(p)) })
    if (model.kind === 'prompted' || model.kind === 'prompted+fine-tuned') {
      candidates.push({
        name: 'prompted',
        model: baseModel,
        generate: async (p) => {
          const exemplars = await registry.closestSamples(model.id, p.user, 3)
          const style = `Write in the voice of these passages (style only; they are not facts):\n${exemplars.map((e) => `<exemplar>\n${e}\n</exemplar>`).join('\n')}`
          return ask(
            defaultChat,
            baseModel,
          )([
            { role: 'system', content: `${p.system ?? ''}\n\n${style}`.trim() },
            { role: 'user', content: p.user },
          ])
        },
      })
    }
    const scorer = await loadVoiceScorer(voice, contrast)
    const { reports, evaluation } = await evaluateVoiceModel({ prompts, candidates, scorer })
    const updated = await registry.setEvaluation(model.id, evaluation)
    const verdict = activationVerdict(updated)
    if (values.json === true) {
      for (const r of reports) writeJson(ctx.stdout, { candidate: r.name, model: r.model, voiceScore: r.voiceScore, flags: r.flags })
      writeJson(ctx.stdout, { id: model.id, ...evaluation, activatable: verdict.ok })
    } else {
      writeLine(ctx.stdout, `${model.id}: ${prompts.length} held-out prompts`)
      for (const r of reports)
        writeLine(ctx.stdout, `  ${r.name.padEnd(8)} ${r.model}  voice score ${r.voiceScore.toFixed(3)}  fact-lock flags ${r.flags}`)
      writeLine(
        ctx.stdout,
        verdict.ok ? `  activatable: \`ragtune models activate ${model.id}\`` : `  not activatable without --force: ${verdict.reason}`,
      )
    }
    return 0
  })
}
