import fs from 'node:fs'
import { parseCliArgs, requiredFlags, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { evaluateFactLock, type FactLockCase } from '../core/answer/fact-lock-eval.js'

const USAGE = 'ragtune eval factlock --questions FILE.jsonl [--json]'

const HELP = `usage: ${USAGE}

Checks every gold answer of FILE.jsonl (FinanceBench format: answer, evidence[].evidence_text) against its
own evidence texts as the cited sources. Answers holding an amount (dates, years, durations and list
numbers are not amounts) count:
  false-flag  share of gold answers with at least one number the fact-lock calls unsupported
  catch       share of perturbed answers (one amount scaled 3-15 %, two digits swapped, or its unit shifted
              by 1,000; seeded, so every run is the same) whose changed number is called unsupported
  derived by chance  perturbed numbers the check reproduced by an expression (part of the misses)
No store, no model, no network.

  --json   one JSON line: {"answers","falseFlagged","falseFlagRate","perturbed","caught","catchRate","byKind","derivedByChance","falseFlags","missed"}`

/** `ragtune eval factlock …` */
export async function evalFactLock(ctx: CliContext): Promise<number> {
  const { values } = parseCliArgs(ctx, { questions: { type: 'string' }, json: { type: 'boolean' } }, USAGE, HELP)
  const { questions: file } = requiredFlags(values, ['questions'], USAGE)
  const { cases, problems } = readFactLockCases(file)
  for (const p of problems) writeLine(ctx.stderr, `ragtune: ${file}:${p.line}: ${p.message} [invalid_question]`)

  const r = await Promise.resolve().then(() => evaluateFactLock(cases))
  const rate = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 1000) / 10)
  if (values.json === true) {
    writeJson(ctx.stdout, {
      answers: r.answers,
      falseFlagged: r.falseFlags.length,
      falseFlagRate: rate(r.falseFlags.length, r.answers),
      perturbed: r.perturbed,
      caught: r.caught,
      catchRate: rate(r.caught, r.perturbed),
      byKind: r.byKind,
      derivedByChance: r.derivedByChance,
      falseFlags: r.falseFlags,
      missed: r.missed,
    })
  } else {
    writeLine(
      ctx.stdout,
      `false-flag: ${r.falseFlags.length} of ${r.answers} gold answers with an amount (${rate(r.falseFlags.length, r.answers)} %)`,
    )
    const kinds = Object.entries(r.byKind)
      .map(([k, v]) => `${k} ${v.caught}/${v.perturbed}`)
      .join(', ')
    writeLine(ctx.stdout, `catch: ${r.caught} of ${r.perturbed} perturbed answers (${rate(r.caught, r.perturbed)} %; ${kinds})`)
    writeLine(
      ctx.stdout,
      `derived by chance: ${r.derivedByChance} of ${r.perturbed} perturbed answers (${rate(r.derivedByChance, r.perturbed)} %)`,
    )
    if (r.falseFlags.length > 0) writeLine(ctx.stdout, '\nflagged gold answers:')
    for (const f of r.falseFlags) writeLine(ctx.stdout, `  ${f.id}  unsupported: ${f.unsupported.join(', ')}  | ${oneLine(f.answer)}`)
    if (r.missed.length > 0) writeLine(ctx.stdout, '\nmissed perturbations:')
    for (const m of r.missed) writeLine(ctx.stdout, `  ${m.id}  ${m.kind}: ${m.from} → ${m.to} (${m.verdict})`)
  }
  return problems.length > 0 ? 1 : 0
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat
}

/** Gold answers and their evidence texts; a line missing either is reported and skipped. */
export function readFactLockCases(file: string): {
  cases: (FactLockCase & { readonly type: string })[]
  problems: { line: number; message: string }[]
} {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new AppError('not_found', `cannot read --questions ${file}; give a JSONL file of questions`, { status: 404, cause: err })
  }
  const cases: (FactLockCase & { readonly type: string })[] = []
  const problems: { line: number; message: string }[] = []
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return
    let q: { financebench_id?: unknown; question?: unknown; question_type?: unknown; answer?: unknown; evidence?: unknown }
    try {
      q = JSON.parse(raw) as typeof q
    } catch {
      problems.push({ line: i + 1, message: 'not valid JSON; each line must be one JSON object' })
      return
    }
    const evidence = Array.isArray(q.evidence)
      ? (q.evidence as { evidence_text?: unknown }[]).map((e) => e.evidence_text).filter((t): t is string => typeof t === 'string')
      : []
    if (typeof q.answer !== 'string' || evidence.length === 0) {
      problems.push({ line: i + 1, message: 'needs "answer" (text) and "evidence": [{"evidence_text": "…"}]' })
      return
    }
    cases.push({
      id: typeof q.financebench_id === 'string' ? q.financebench_id : `line ${i + 1}`,
      answer: q.answer,
      question: typeof q.question === 'string' ? q.question : '',
      type: typeof q.question_type === 'string' ? q.question_type : '',
      sources: evidence,
    })
  })
  return { cases, problems }
}
