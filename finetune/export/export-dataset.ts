import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../src/errors.js'
import { validateJsonl } from '../validate/validate-examples.js'
import { axolotlExport } from './axolotl.js'
import { llamaFactoryExport } from './llama-factory.js'
import { unslothExport } from './unsloth.js'
import { exportReadme } from './serving-guide.js'
import {
  DEFAULT_BASE_MODEL,
  sequenceLenFor,
  type ChatExample,
  type ExportFile,
  type ExportFormat,
  type ExportInput,
  type LoraSettings,
} from './export-input.js'

const FORMATS: Record<ExportFormat, (input: ExportInput) => ExportFile[]> = {
  axolotl: axolotlExport,
  unsloth: unslothExport,
  'llama-factory': llamaFactoryExport,
}

export interface ExportOptions {
  readonly format: ExportFormat
  readonly trainFile: string
  readonly validationFile?: string
  readonly outDir: string
  readonly settings?: Partial<LoraSettings>
  readonly template?: string
}

export interface ExportResult {
  readonly format: ExportFormat
  readonly outDir: string
  readonly files: readonly string[]
  readonly examples: { readonly train: number; readonly validation: number }
  readonly settings: LoraSettings
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    throw new AppError(
      'file_not_found',
      `cannot read the ${what} file ${file}; run \`ragtune finetune prepare\` first or pass an existing JSONL file`,
      { cause: err },
    )
  }
}

/** Only called on text that passed validation, so every line parses. */
function parseExamples(text: string): ChatExample[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ChatExample)
}

/** The files of one format, in memory: what the golden tests compare. */
export function renderExport(format: ExportFormat, input: ExportInput): ExportFile[] {
  const files = FORMATS[format](input)
  return [
    ...files,
    {
      path: 'README.md',
      content: exportReadme(format, input.settings, { train: input.train.length, validation: input.validation.length }),
    },
  ]
}

/** Checks the dataset like `finetune validate`, then writes the trainer's files into outDir. */
export async function exportDataset(options: ExportOptions): Promise<ExportResult> {
  const train = { text: await readText(options.trainFile, 'training') }
  const validation = { text: options.validationFile === undefined ? '' : await readText(options.validationFile, 'validation') }
  const check = validateJsonl(train.text)
  if (!check.ok) {
    const classes = Object.entries(check.errors).map(([k, lines]) =>
      lines.length > 0 ? `${k} (lines ${lines.slice(0, 5).join(', ')})` : k,
    )
    throw new AppError(
      'invalid_dataset',
      `${options.trainFile} fails validation: ${classes.join('; ')}; fix it (see \`ragtune finetune validate\`) before exporting`,
    )
  }
  if (validation.text !== '') {
    // A validation set may be small; every other rule applies.
    const v = validateJsonl(validation.text)
    const errors = Object.keys(v.errors).filter((k) => k !== 'too_few_examples')
    if (errors.length > 0) throw new AppError('invalid_dataset', `${options.validationFile} fails validation: ${errors.join(', ')}`)
  }
  const trainExamples = parseExamples(train.text)
  const validationExamples = parseExamples(validation.text)
  const maxTokens = Math.max(check.tokens.max, 1)
  const settings: LoraSettings = {
    baseModel: DEFAULT_BASE_MODEL,
    name: 'ragtune-voice',
    epochs: 3,
    loraR: 16,
    loraAlpha: 32,
    loraDropout: 0.05,
    learningRate: 0.0002,
    sequenceLen: sequenceLenFor(maxTokens),
    microBatchSize: 2,
    gradientAccumulation: 4,
    seed: 42,
    ...Object.fromEntries(Object.entries(options.settings ?? {}).filter(([, v]) => v !== undefined)),
  }
  const files = renderExport(options.format, {
    train: trainExamples,
    validation: validationExamples,
    settings,
    ...(options.template === undefined ? {} : { template: options.template }),
  })
  for (const f of files) {
    const target = path.join(options.outDir, f.path)
    await fs.mkdir(path.dirname(target), { recursive: true })
    await fs.writeFile(target, f.content)
  }
  return {
    format: options.format,
    outDir: options.outDir,
    files: files.map((f) => f.path),
    examples: { train: trainExamples.length, validation: validationExamples.length },
    settings,
  }
}
