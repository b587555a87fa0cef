import fs from 'node:fs'
import { toJsonl, type ExportFile, type ExportInput } from './export-input.js'

/**
 * Unsloth is a Python library, so its "config" is `unsloth-config.json` read by a fixed training script
 * (`train_unsloth.py`): 4-bit base, LoRA on every projection, TRL's SFTTrainer over the chat template
 * of the base model. The dataset stays in `messages` form. Run: `python train_unsloth.py`.
 *
 * The script is the file beside this module, copied as it is (`npm run build` puts it beside the compiled one).
 */
const SCRIPT = new URL('./train_unsloth.py', import.meta.url)

export function unslothExport(input: ExportInput): ExportFile[] {
  const s = input.settings
  const hasValidation = input.validation.length > 0
  const config = {
    base_model: s.baseModel,
    name: s.name,
    train_file: 'data/train.jsonl',
    validation_file: hasValidation ? 'data/validation.jsonl' : null,
    max_seq_length: s.sequenceLen,
    lora_r: s.loraR,
    lora_alpha: s.loraAlpha,
    lora_dropout: s.loraDropout,
    micro_batch_size: s.microBatchSize,
    gradient_accumulation_steps: s.gradientAccumulation,
    num_epochs: s.epochs,
    learning_rate: s.learningRate,
    seed: s.seed,
    output_dir: `outputs/${s.name}`,
    adapter_dir: `adapters/${s.name}`,
  }
  return [
    { path: 'unsloth-config.json', content: `${JSON.stringify(config, null, 2)}\n` },
    { path: 'train_unsloth.py', content: fs.readFileSync(SCRIPT, 'utf8') },
    { path: 'data/train.jsonl', content: toJsonl(input.train) },
    ...(hasValidation ? [{ path: 'data/validation.jsonl', content: toJsonl(input.validation) }] : []),
  ]
}
