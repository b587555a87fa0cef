/**
 * What every trainer format receives: the canonical chat-JSONL dataset (ragtune's own artifact) and the
 * LoRA SFT settings. Formats are pure: they return files, the caller writes them.
 */
export const EXPORT_FORMATS = ['axolotl', 'unsloth', 'llama-factory'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ChatExample {
  readonly messages: readonly { readonly role: 'system' | 'user' | 'assistant'; readonly content: string }[]
}

export interface LoraSettings {
  /** Hugging Face id of the open-weight chat model the adapter is trained on */
  readonly baseModel: string
  /** adapter name: the model name clients pick once it is served */
  readonly name: string
  readonly epochs: number
  readonly loraR: number
  readonly loraAlpha: number
  readonly loraDropout: number
  readonly learningRate: number
  readonly sequenceLen: number
  readonly microBatchSize: number
  readonly gradientAccumulation: number
  readonly seed: number
}

export interface ExportInput {
  readonly train: readonly ChatExample[]
  readonly validation: readonly ChatExample[]
  readonly settings: LoraSettings
  /** LLaMA-Factory chat template name; derived from the base model when absent */
  readonly template?: string
}

export interface ExportFile {
  /** relative to the export directory */
  readonly path: string
  readonly content: string
}

export const DEFAULT_BASE_MODEL = 'Qwen/Qwen2.5-7B-Instruct'

/** One JSON object per line, newline-terminated. */
export function toJsonl(rows: readonly unknown[]): string {
  return rows.length === 0 ? '' : `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`
}

/** A YAML double-quoted scalar: JSON string syntax is valid YAML and escapes everything that needs it. */
export function yamlString(s: string): string {
  return JSON.stringify(s)
}

/** Tokens counted with tiktoken only approximate the base model's tokenizer: leave a quarter of headroom. */
export function sequenceLenFor(maxTokens: number): number {
  let n = 1024
  while (n < maxTokens * 1.25 && n < 8192) n *= 2
  return n
}
