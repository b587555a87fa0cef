import type { FineTuneFile } from '../../src/core/finetune.js'
import { AppError } from '../../src/errors.js'
import { validateJsonl } from '../validate/validate-examples.js'

/** The `finetune validate` checks, run before upload: a file OpenAI would reject costs a round trip and a job. */
export function checkDataset(file: FineTuneFile, baseModel: string): void {
  const report = validateJsonl(new TextDecoder().decode(file.content), { model: baseModel })
  if (report.ok) return
  const classes = Object.entries(report.errors).map(
    ([k, lines]) => `${k}${lines.length > 0 ? ` (lines ${lines.slice(0, 5).join(', ')})` : ''}`,
  )
  throw new AppError(
    'invalid_dataset',
    `${file.name} fails the fine-tuning checks: ${classes.join('; ')}; run \`ragtune finetune validate\` on it for details`,
    {
      details: { errors: report.errors },
    },
  )
}
