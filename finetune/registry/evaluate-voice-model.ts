import type { ModelEvaluation } from '../../src/core/model-registry.js'
import { checkFacts } from '../../src/core/answer/fact-lock.js'

export interface HeldOutPrompt {
  readonly system?: string
  readonly user: string
}

export type CandidateName = 'base' | 'tuned' | 'prompted'

export interface EvalCandidate {
  readonly name: CandidateName
  readonly model: string
  generate(prompt: HeldOutPrompt): Promise<string>
}

/** Authorship scores in 0..1 (higher: more like the voice), one per text. */
export type VoiceScorer = (texts: readonly string[]) => Promise<number[]>

export interface CandidateReport {
  readonly name: CandidateName
  readonly model: string
  readonly voiceScore: number
  readonly flags: number
  readonly answers: readonly string[]
}

/**
 * Held-out prompts carry no sources, so the fact-lock check counts what a voice must never do on its own:
 * cite a source it was not given, or state a number nobody supplied. A tuned model that learned to invent
 * figures from the letters shows up here before it reaches a user.
 */
export function factLockFlags(answer: string): number {
  const checked = checkFacts(answer, [])
  return checked.unsupportedNumbers.length + checked.removedCitations.length
}

/** Chat JSONL (the validation split: assistant turns dropped) or `{"prompt": "..."}` lines. */
export function parseHeldOutPrompts(text: string): HeldOutPrompt[] {
  const out: HeldOutPrompt[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      continue
    }
    const r = row as { prompt?: unknown; messages?: { role?: unknown; content?: unknown }[] }
    if (typeof r.prompt === 'string') out.push({ user: r.prompt })
    else if (Array.isArray(r.messages)) {
      const system = r.messages.find((m) => m.role === 'system')?.content
      const user = r.messages.filter((m) => m.role === 'user').at(-1)?.content
      if (typeof user === 'string') out.push({ user, ...(typeof system === 'string' ? { system } : {}) })
    }
  }
  return out
}

export async function evaluateVoiceModel(input: {
  prompts: readonly HeldOutPrompt[]
  candidates: readonly EvalCandidate[]
  scorer: VoiceScorer
}): Promise<{ reports: CandidateReport[]; evaluation: ModelEvaluation }> {
  const reports: CandidateReport[] = []
  for (const c of input.candidates) {
    const answers: string[] = []
    for (const p of input.prompts) answers.push(await c.generate(p))
    const scores = await input.scorer(answers)
    const mean = scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length
    reports.push({ name: c.name, model: c.model, voiceScore: mean, flags: answers.reduce((n, a) => n + factLockFlags(a), 0), answers })
  }
  const get = (name: CandidateName): CandidateReport | undefined => reports.find((r) => r.name === name)
  const base = get('base')
  const tuned = get('tuned') ?? get('prompted')
  if (base === undefined || tuned === undefined) throw new Error('evaluation needs a base and a tuned or prompted candidate')
  const prompted = get('prompted')
  return {
    reports,
    evaluation: {
      evaluatedAt: new Date().toISOString(),
      prompts: input.prompts.length,
      voiceScore: { base: base.voiceScore, tuned: tuned.voiceScore, ...(prompted === undefined ? {} : { prompted: prompted.voiceScore }) },
      flags: { base: base.flags, tuned: tuned.flags, ...(prompted === undefined ? {} : { prompted: prompted.flags }) },
    },
  }
}
