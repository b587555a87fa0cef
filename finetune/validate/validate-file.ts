import fs from 'node:fs/promises'
import { AppError } from '../../src/errors.js'
import { validateJsonl, type ValidationOptions, type ValidationReport } from './validate-examples.js'

/** Reads a JSONL file and validates it; an unreadable file is an AppError, a bad line is a report entry. */
export async function validateFile(file: string, options: ValidationOptions = {}): Promise<ValidationReport> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new AppError('file_not_found', `cannot read ${file} (${code ?? 'error'}): pass an existing JSONL file`, { cause: err })
  }
  return validateJsonl(text, options)
}

/** The `--json` line the issue fixes: scripts parse exactly these keys. */
export function validationJsonLine(report: ValidationReport): Record<string, unknown> {
  return {
    ok: report.ok,
    examples: report.examples,
    errors: report.errors,
    warnings: report.warnings,
    tokens: report.tokens,
    estimate: { epochs: report.estimate.epochs, billedTokens: report.estimate.billedTokens },
  }
}
