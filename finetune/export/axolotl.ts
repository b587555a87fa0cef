import { toJsonl, yamlString, type ExportFile, type ExportInput } from './export-input.js'

/**
 * Axolotl: the dataset stays in OpenAI `messages` form, read by the `chat_template` loader with the base
 * model's own chat template; loss only on assistant turns. Run: `axolotl train axolotl.yaml`.
 */
export function axolotlExport(input: ExportInput): ExportFile[] {
  const s = input.settings
  const dataset = (file: string, extra: string[] = []): string[] => [
    `  - path: ${yamlString(file)}`,
    '    ds_type: json',
    ...extra,
    '    type: chat_template',
    '    field_messages: messages',
    '    message_property_mappings:',
    '      role: role',
    '      content: content',
    '    roles_to_train: ["assistant"]',
  ]
  const hasValidation = input.validation.length > 0
  const config = [
    `# LoRA SFT of ${s.baseModel} on the "${s.name}" voice dataset. Written by \`ragtune finetune export --format axolotl\`.`,
    `base_model: ${yamlString(s.baseModel)}`,
    'chat_template: tokenizer_default',
    '',
    'datasets:',
    ...dataset('data/train.jsonl'),
    ...(hasValidation ? ['test_datasets:', ...dataset('data/validation.jsonl', ['    split: train'])] : ['val_set_size: 0.05']),
    'dataset_prepared_path: last_run_prepared',
    `output_dir: ${yamlString(`outputs/${s.name}`)}`,
    '',
    'adapter: lora',
    `lora_r: ${s.loraR}`,
    `lora_alpha: ${s.loraAlpha}`,
    `lora_dropout: ${s.loraDropout}`,
    'lora_target_linear: true',
    '',
    `sequence_len: ${s.sequenceLen}`,
    'sample_packing: true',
    'pad_to_sequence_len: true',
    'train_on_inputs: false',
    '',
    `micro_batch_size: ${s.microBatchSize}`,
    `gradient_accumulation_steps: ${s.gradientAccumulation}`,
    `num_epochs: ${s.epochs}`,
    'optimizer: adamw_torch',
    'lr_scheduler: cosine',
    `learning_rate: ${s.learningRate}`,
    'warmup_ratio: 0.05',
    'weight_decay: 0.0',
    'bf16: auto',
    'gradient_checkpointing: true',
    'logging_steps: 10',
    'evals_per_epoch: 2',
    'saves_per_epoch: 1',
    `seed: ${s.seed}`,
    '',
  ].join('\n')
  return [
    { path: 'axolotl.yaml', content: config },
    { path: 'data/train.jsonl', content: toJsonl(input.train) },
    ...(hasValidation ? [{ path: 'data/validation.jsonl', content: toJsonl(input.validation) }] : []),
  ]
}
