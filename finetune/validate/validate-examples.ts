import { createTokenCounter } from './token-counter.js'
import { estimateBilling } from './billing-estimate.js'

/** Stable names: scripts match on them. They follow the OpenAI cookbook's format checks. */
export const VALIDATION_ERROR_CLASSES = [
  'invalid_json',
  'data_type',
  'missing_messages_list',
  'message_missing_key',
  'message_unrecognized_key',
  'unrecognized_role',
  'missing_content',
  'invalid_weight',
  'example_missing_assistant_message',
  'over_token_limit',
  'too_few_examples',
] as const
export type ValidationErrorClass = (typeof VALIDATION_ERROR_CLASSES)[number]

export const VALIDATION_WARNING_CLASSES = [
  'missing_system_message',
  'missing_user_message',
  'blank_line',
  'unrecognized_top_level_key',
] as const
export type ValidationWarningClass = (typeof VALIDATION_WARNING_CLASSES)[number]

export const DEFAULT_MODEL = 'gpt-4o-mini-2024-07-18'
/** Training context of gpt-4o-mini-2024-07-18 / gpt-4o-2024-08-06 / gpt-4.1: longer examples are truncated. */
export const DEFAULT_MAX_TOKENS_PER_EXAMPLE = 65_536
export const MIN_EXAMPLES = 10

export interface ValidationOptions {
  /** picks the tokenizer (o200k_base for gpt-4o family, else cl100k_base) */
  readonly model?: string
  readonly maxTokensPerExample?: number
  readonly pricePerMillion?: number
}

export interface ValidationReport {
  readonly ok: boolean
  /** non-blank lines: every one is an example, well-formed or not */
  readonly examples: number
  /** class → 1-based line numbers; `too_few_examples` carries no line (its list is empty) */
  readonly errors: Partial<Record<ValidationErrorClass, number[]>>
  readonly warnings: Partial<Record<ValidationWarningClass, number[]>>
  readonly tokens: { readonly total: number; readonly max: number }
  readonly estimate: { readonly epochs: number; readonly billedTokens: number; readonly cost?: number }
  readonly model: string
  readonly encoding: string
  readonly maxTokensPerExample: number
}

const MESSAGE_KEYS = new Set(['role', 'content', 'name', 'weight', 'tool_calls', 'tool_call_id', 'function_call'])
const TOP_LEVEL_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions'])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Checks chat fine-tuning JSONL text. Every line is checked whatever the others hold; each class lists a
 * line at most once. Pure apart from the (cached) tokenizer, so the provider code can call it before upload.
 */
export function validateJsonl(text: string, options: ValidationOptions = {}): ValidationReport {
  const model = options.model ?? DEFAULT_MODEL
  const limit = options.maxTokensPerExample ?? DEFAULT_MAX_TOKENS_PER_EXAMPLE
  const counter = createTokenCounter(model)
  const errors: Partial<Record<ValidationErrorClass, number[]>> = {}
  const warnings: Partial<Record<ValidationWarningClass, number[]>> = {}
  const flag = <K extends string>(into: Partial<Record<K, number[]>>, cls: K, line: number): void => {
    const list = (into[cls] ??= [])
    if (list[list.length - 1] !== line) list.push(line)
  }

  const lines = text.split('\n')
  // A trailing newline is normal JSONL, not a blank example.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const exampleTokens: number[] = []
  let examples = 0
  lines.forEach((raw, i) => {
    const line = i + 1
    if (raw.trim() === '') {
      flag(warnings, 'blank_line', line)
      return
    }
    examples++
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      flag(errors, 'invalid_json', line)
      return
    }
    if (!isObject(value)) return flag(errors, 'data_type', line)
    if (Object.keys(value).some((k) => !TOP_LEVEL_KEYS.has(k))) flag(warnings, 'unrecognized_top_level_key', line)
    const messages = value.messages
    if (!Array.isArray(messages) || messages.length === 0) return flag(errors, 'missing_messages_list', line)
    const hasTools = Array.isArray(value.tools) || Array.isArray(value.functions)

    const countable: { role: string; content?: unknown; name?: unknown }[] = []
    for (const m of messages as unknown[]) {
      if (!isObject(m)) {
        flag(errors, 'data_type', line)
        continue
      }
      if (!('role' in m) || !('content' in m)) flag(errors, 'message_missing_key', line)
      if (Object.keys(m).some((k) => !MESSAGE_KEYS.has(k))) flag(errors, 'message_unrecognized_key', line)
      const role = m.role
      const roleOk = role === 'system' || role === 'user' || role === 'assistant' || (hasTools && (role === 'tool' || role === 'function'))
      if ('role' in m && !roleOk) flag(errors, 'unrecognized_role', line)
      // An assistant turn that only calls a tool may carry no text.
      const callsTool = role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined)
      if ('content' in m && !callsTool && (typeof m.content !== 'string' || m.content.trim() === '')) flag(errors, 'missing_content', line)
      if ('weight' in m && (role !== 'assistant' || (m.weight !== 0 && m.weight !== 1))) flag(errors, 'invalid_weight', line)
      countable.push({ role: typeof role === 'string' ? role : '', content: m.content, name: m.name })
    }
    const roles = new Set(countable.map((m) => m.role))
    if (!roles.has('assistant')) flag(errors, 'example_missing_assistant_message', line)
    if (!roles.has('system')) flag(warnings, 'missing_system_message', line)
    if (!roles.has('user')) flag(warnings, 'missing_user_message', line)

    const tokens = counter.countMessages(countable)
    exampleTokens.push(tokens)
    if (tokens > limit) flag(errors, 'over_token_limit', line)
  })
  if (examples < MIN_EXAMPLES) errors.too_few_examples = []

  const billing = estimateBilling(exampleTokens, limit, options.pricePerMillion)
  return {
    ok: Object.keys(errors).length === 0,
    examples,
    errors,
    warnings,
    tokens: { total: exampleTokens.reduce((a, b) => a + b, 0), max: exampleTokens.reduce((a, b) => Math.max(a, b), 0) },
    estimate: {
      epochs: billing.epochs,
      billedTokens: billing.billedTokens,
      ...(billing.cost === undefined ? {} : { cost: billing.cost }),
    },
    model,
    encoding: counter.encoding,
    maxTokensPerExample: limit,
  }
}
