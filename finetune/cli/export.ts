import path from 'node:path'
import fs from 'node:fs'
import { AppError } from '../../src/errors.js'
import { parseCliArgs, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { exportDataset } from '../export/export-dataset.js'
import { EXPORT_FORMATS, type ExportFormat, type LoraSettings } from '../export/export-input.js'
import { parsePositiveNumber, stringFlag, parsePositiveInteger } from './flags.js'

const USAGE =
  'ragtune finetune export --format axolotl|unsloth|llama-factory (--dataset DIR | --train FILE [--validation FILE]) --out DIR ' +
  '[--base-model HF_ID] [--name N] [--epochs N] [--lora-r N] [--lora-alpha N] [--learning-rate X] [--sequence-len N] [--template T] [--json]'

const isFormat = (v: string): v is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(v)

export const exportCommand: Command = async (ctx) => {
  const { values } = parseCliArgs(
    ctx,
    {
      format: { type: 'string' },
      dataset: { type: 'string' },
      train: { type: 'string' },
      validation: { type: 'string' },
      out: { type: 'string' },
      'base-model': { type: 'string' },
      name: { type: 'string' },
      epochs: { type: 'string' },
      'lora-r': { type: 'string' },
      'lora-alpha': { type: 'string' },
      'learning-rate': { type: 'string' },
      'sequence-len': { type: 'string' },
      template: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  )
  const format = stringFlag(values.format)
  if (format === undefined || !isFormat(format))
    throw new AppError('invalid_arguments', `--format must be one of ${EXPORT_FORMATS.join(', ')}\nusage: ${USAGE}`)
  const out = stringFlag(values.out)
  if (out === undefined) throw new AppError('invalid_arguments', `--out DIR is required\nusage: ${USAGE}`)
  const dataset = stringFlag(values.dataset)
  let train = stringFlag(values.train)
  let validation = stringFlag(values.validation)
  if (dataset !== undefined) {
    if (train !== undefined) throw new AppError('invalid_arguments', `give --dataset or --train, not both\nusage: ${USAGE}`)
    train = path.join(dataset, 'train.jsonl')
    const v = path.join(dataset, 'validation.jsonl')
    if (fs.existsSync(v) && fs.statSync(v).size > 0) validation = v
  }
  if (train === undefined) throw new AppError('invalid_arguments', `--dataset DIR or --train FILE is required\nusage: ${USAGE}`)
  const int = (flag: string): number | undefined => parsePositiveInteger(values[flag], `--${flag}`, USAGE)
  const settings: Partial<LoraSettings> = {
    ...(stringFlag(values['base-model']) === undefined ? {} : { baseModel: stringFlag(values['base-model'])! }),
    ...(stringFlag(values.name) === undefined ? {} : { name: stringFlag(values.name)! }),
    ...(int('epochs') === undefined ? {} : { epochs: int('epochs')! }),
    ...(int('lora-r') === undefined ? {} : { loraR: int('lora-r')! }),
    ...(int('lora-alpha') === undefined ? {} : { loraAlpha: int('lora-alpha')! }),
    ...(int('sequence-len') === undefined ? {} : { sequenceLen: int('sequence-len')! }),
    ...(values['learning-rate'] === undefined
      ? {}
      : { learningRate: parsePositiveNumber(values['learning-rate'], '--learning-rate', USAGE)! }),
  }
  if (settings.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(settings.name)) {
    throw new AppError(
      'invalid_arguments',
      `--name may hold letters, digits, ".", "_" and "-" (it becomes the served model name)\nusage: ${USAGE}`,
    )
  }
  const template = stringFlag(values.template)
  const result = await exportDataset({
    format,
    trainFile: train,
    outDir: out,
    settings,
    ...(validation === undefined ? {} : { validationFile: validation }),
    ...(template === undefined ? {} : { template }),
  })
  if (values.json === true)
    writeJson(ctx.stdout, {
      format: result.format,
      outDir: result.outDir,
      files: result.files,
      examples: result.examples,
      settings: result.settings,
    })
  else {
    writeLine(
      ctx.stdout,
      `${result.format}: ${result.examples.train} train / ${result.examples.validation} validation examples, base ${result.settings.baseModel}, LoRA r=${result.settings.loraR}`,
    )
    for (const f of result.files) writeLine(ctx.stdout, `  wrote ${path.join(result.outDir, f)}`)
    writeLine(
      ctx.stdout,
      `next: see ${path.join(result.outDir, 'README.md')} to train, serve (vLLM --enable-lora or Ollama ADAPTER) and register`,
    )
  }
  return 0
}
