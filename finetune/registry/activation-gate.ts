import type { RegisteredModel } from '../../src/core/model-registry.js'
import { AppError } from '../../src/errors.js'

/**
 * A tuned voice is activated only if it earns it: no lower voice score and no more fact-lock flags than
 * its base on the same held-out prompts. `--force` overrides; a model never evaluated passes with a note,
 * since registering an adapter by URL or a prompted voice may have nothing to compare against.
 */
export function activationVerdict(model: RegisteredModel): { ok: true; note?: string } | { ok: false; reason: string } {
  const e = model.evaluation
  if (e === null)
    return { ok: true, note: `"${model.id}" has no evaluation yet; \`ragtune models eval ${model.id}\` compares it with its base` }
  const problems: string[] = []
  if (e.voiceScore.tuned < e.voiceScore.base)
    problems.push(`its voice score ${e.voiceScore.tuned.toFixed(3)} is below the base model's ${e.voiceScore.base.toFixed(3)}`)
  if (e.flags.tuned > e.flags.base) problems.push(`it raised ${e.flags.tuned} fact-lock flags against the base model's ${e.flags.base}`)
  return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join(' and ') }
}

export function assertActivatable(model: RegisteredModel, force: boolean): string | undefined {
  const verdict = activationVerdict(model)
  if (verdict.ok) return verdict.note
  if (force) return `activated despite the evaluation: ${verdict.reason}`
  throw new AppError(
    'activation_refused',
    `not activating "${model.id}": ${verdict.reason}; pass --force (or "force": true) to activate anyway`,
    {
      status: 409,
    },
  )
}
