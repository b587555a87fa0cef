import type { Writable } from 'node:stream'
import { AppError } from '../../src/errors.js'
import { parseCliArgs, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { DEFAULT_MAX_TOKENS_PER_EXAMPLE, DEFAULT_MODEL, type ValidationReport } from '../validate/validate-examples.js'
import { validateFile, validationJsonLine } from '../validate/validate-file.js'
import { formatCost } from '../validate/billing-estimate.js'
import { parsePositiveNumber } from './flags.js'

const USAGE = 'ragtune finetune validate FILE.jsonl [--model M] [--max-tokens N] [--price-per-million USD] [--json]'

function lines(list: readonly number[]): string {
  const shown = list.slice(0, 20).join(', ')
  return list.length > 20 ? `${shown}, … (${list.length} lines)` : shown
}

function printReport(out: Writable, file: string, r: ValidationReport): void {
  writeLine(out, `${file}: ${r.examples} examples, ${r.ok ? 'OK' : 'INVALID'}`)
  for (const [cls, list] of Object.entries(r.errors)) {
    writeLine(
      out,
      cls === 'too_few_examples' ? `  error ${cls}: at least 10 examples are required` : `  error ${cls}: lines ${lines(list)}`,
    )
  }
  for (const [cls, list] of Object.entries(r.warnings)) writeLine(out, `  warning ${cls}: lines ${lines(list)}`)
  writeLine(
    out,
    `  tokens (${r.encoding}, ${r.model}): total ${r.tokens.total}, max per example ${r.tokens.max} (limit ${r.maxTokensPerExample})`,
  )
  writeLine(out, `  estimate: ${r.estimate.epochs} epochs, ~${r.estimate.billedTokens} billed training tokens`)
  if (r.estimate.cost !== undefined) writeLine(out, `  cost: ~${formatCost(r.estimate.cost)} at the given price per 1M training tokens`)
}

export const validate: Command = async (ctx) => {
  const { values, positionals } = parseCliArgs(
    ctx,
    {
      model: { type: 'string' },
      'max-tokens': { type: 'string' },
      'price-per-million': { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  )
  const file = positionals[0]
  if (file === undefined || positionals.length > 1) throw new AppError('invalid_arguments', `give exactly one JSONL file\nusage: ${USAGE}`)
  const price = parsePositiveNumber(values['price-per-million'], '--price-per-million', USAGE)
  const report = await validateFile(file, {
    model: typeof values.model === 'string' ? values.model : DEFAULT_MODEL,
    maxTokensPerExample: parsePositiveNumber(values['max-tokens'], '--max-tokens', USAGE) ?? DEFAULT_MAX_TOKENS_PER_EXAMPLE,
    ...(price === undefined ? {} : { pricePerMillion: price }),
  })
  if (values.json === true) writeJson(ctx.stdout, validationJsonLine(report))
  else printReport(ctx.stdout, file, report)
  return report.ok ? 0 : 1
}
