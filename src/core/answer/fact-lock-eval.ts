import { checkFacts, type FactLockSource } from './fact-lock.js'
import { numberContext } from './number-context.js'
import { extractNumbers } from './numbers.js'
import { perturbations, type PerturbationKind } from './number-perturbation.js'

/**
 * How far the fact-lock can be trusted, measured on answers known to be right: each gold answer is checked
 * against its own evidence as the only (cited) sources. A flag on it is a false flag; a perturbed copy
 * (one amount changed, see `perturbations`) that passes unflagged is a miss.
 */
export interface FactLockCase {
  readonly id: string
  readonly answer: string
  readonly question: string
  /** evidence texts; all count as cited */
  readonly sources: readonly string[]
}

export interface FactLockEvalReport {
  /** cases whose answer holds at least one amount */
  readonly answers: number
  readonly falseFlags: readonly { readonly id: string; readonly answer: string; readonly unsupported: readonly string[] }[]
  readonly perturbed: number
  readonly caught: number
  readonly byKind: Record<PerturbationKind, { readonly perturbed: number; readonly caught: number }>
  /** perturbations the check called derived: a wrong number reproduced by some expression */
  readonly derivedByChance: number
  readonly missed: readonly {
    readonly id: string
    readonly kind: PerturbationKind
    readonly from: string
    readonly to: string
    readonly verdict: string
  }[]
}

export function evaluateFactLock(cases: readonly FactLockCase[]): FactLockEvalReport {
  const falseFlags: { id: string; answer: string; unsupported: string[] }[] = []
  const missed: { id: string; kind: PerturbationKind; from: string; to: string; verdict: string }[] = []
  const byKind: Record<PerturbationKind, { perturbed: number; caught: number }> = {
    scaled: { perturbed: 0, caught: 0 },
    digits: { perturbed: 0, caught: 0 },
    unit: { perturbed: 0, caught: 0 },
  }
  let answers = 0
  let derivedByChance = 0
  for (const c of cases) {
    const amounts = extractNumbers(c.answer).filter((n) => numberContext(n, c.answer) === undefined)
    if (amounts.length === 0) continue
    answers++
    const sources: FactLockSource[] = c.sources.map((text, i) => ({ n: i + 1, text }))
    // the gold answer cites nothing itself; every evidence text is its source
    const cite = ` ${sources.map((s) => `[${s.n}]`).join('')}`
    const gold = checkFacts(c.answer + cite, sources, { question: c.question })
    if (gold.unsupportedNumbers.length > 0) falseFlags.push({ id: c.id, answer: c.answer, unsupported: [...gold.unsupportedNumbers] })
    for (const p of perturbations(c.answer, amounts, c.id)) {
      const r = checkFacts(p.text + cite, sources, { question: c.question })
      // the changed number's own verdict: an equal figure elsewhere in the answer ("from 20% … to 20% …") has its own
      const nth = extractNumbers(p.text).filter((x) => x.raw === p.to && x.index < p.at).length
      const verdict =
        r.checks.filter((k) => k.text === p.to)[nth]?.verdict ?? (r.unsupportedNumbers.includes(p.to) ? 'unsupported' : 'quoted')
      const kind = byKind[p.kind]
      kind.perturbed++
      if (verdict === 'unsupported') kind.caught++
      else {
        if (verdict === 'derived') derivedByChance++
        missed.push({ id: c.id, kind: p.kind, from: p.from, to: p.to, verdict })
      }
    }
  }
  const all = Object.values(byKind)
  return {
    answers,
    falseFlags,
    perturbed: all.reduce((s, k) => s + k.perturbed, 0),
    caught: all.reduce((s, k) => s + k.caught, 0),
    byKind,
    derivedByChance,
    missed,
  }
}
