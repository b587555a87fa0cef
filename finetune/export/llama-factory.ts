import { toJsonl, yamlString, type ChatExample, type ExportFile, type ExportInput } from './export-input.js'

/**
 * LLaMA-Factory: ShareGPT records (`conversations` of from/value, the system prompt in its own column),
 * declared in `data/dataset_info.json`, and an SFT LoRA config. Run: `llamafactory-cli train llama-factory.yaml`.
 */
const FROM = { user: 'human', assistant: 'gpt' } as const

export function templateFor(baseModel: string): string {
  const m = baseModel.toLowerCase()
  if (m.includes('qwen3')) return 'qwen3'
  if (m.includes('qwen')) return 'qwen'
  if (/llama-?3/.test(m)) return 'llama3'
  if (/mistral|mixtral/.test(m)) return 'mistral'
  if (m.includes('gemma')) return 'gemma'
  if (/phi-?4/.test(m)) return 'phi4'
  if (/phi-?3/.test(m)) return 'phi'
  return 'default'
}

export function toShareGpt(example: ChatExample): { conversations: { from: string; value: string }[]; system?: string } {
  const system = example.messages.find((m) => m.role === 'system')?.content
  const conversations = example.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ from: FROM[m.role as 'user' | 'assistant'], value: m.content }))
  return system === undefined ? { conversations } : { conversations, system }
}

export function llamaFactoryExport(input: ExportInput): ExportFile[] {
  const s = input.settings
  const hasValidation = input.validation.length > 0
  const id = s.name.replace(/[^A-Za-z0-9_]+/g, '_')
  const entry = (file: string) => ({
    file_name: file,
    formatting: 'sharegpt',
    columns: { messages: 'conversations', system: 'system' },
  })
  const datasetInfo = {
    [`${id}_train`]: entry('train.jsonl'),
    ...(hasValidation ? { [`${id}_validation`]: entry('validation.jsonl') } : {}),
  }
  const config = [
    `# LoRA SFT of ${s.baseModel} on the "${s.name}" voice dataset. Written by \`ragtune finetune export --format llama-factory\`.`,
    '### model',
    `model_name_or_path: ${yamlString(s.baseModel)}`,
    'trust_remote_code: true',
    '',
    '### method',
    'stage: sft',
    'do_train: true',
    'finetuning_type: lora',
    'lora_target: all',
    `lora_rank: ${s.loraR}`,
    `lora_alpha: ${s.loraAlpha}`,
    `lora_dropout: ${s.loraDropout}`,
    '',
    '### dataset',
    'dataset_dir: data',
    `dataset: ${id}_train`,
    ...(hasValidation ? [`eval_dataset: ${id}_validation`] : []),
    `template: ${input.template ?? templateFor(s.baseModel)}`,
    `cutoff_len: ${s.sequenceLen}`,
    'overwrite_cache: true',
    'preprocessing_num_workers: 4',
    '',
    '### output',
    `output_dir: ${yamlString(`saves/${s.name}/lora/sft`)}`,
    'logging_steps: 10',
    'save_strategy: epoch',
    'plot_loss: true',
    'overwrite_output_dir: true',
    '',
    '### train',
    `per_device_train_batch_size: ${s.microBatchSize}`,
    `gradient_accumulation_steps: ${s.gradientAccumulation}`,
    `learning_rate: ${s.learningRate}`,
    `num_train_epochs: ${s.epochs}.0`,
    'lr_scheduler_type: cosine',
    'warmup_ratio: 0.05',
    'bf16: true',
    `seed: ${s.seed}`,
    ...(hasValidation ? ['', '### eval', `per_device_eval_batch_size: ${s.microBatchSize}`, 'eval_strategy: epoch'] : []),
    '',
  ].join('\n')
  return [
    { path: 'llama-factory.yaml', content: config },
    { path: 'data/dataset_info.json', content: `${JSON.stringify(datasetInfo, null, 2)}\n` },
    { path: 'data/train.jsonl', content: toJsonl(input.train.map(toShareGpt)) },
    ...(hasValidation ? [{ path: 'data/validation.jsonl', content: toJsonl(input.validation.map(toShareGpt)) }] : []),
  ]
}
