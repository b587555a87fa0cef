import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import type { ChatMessage } from '../models.js'

/**
 * Versioned prompt files: `prompts/<id>.v<version>.md`, never edited once shipped (a change is a new
 * version). A file holds the system prompt, a `<!-- user -->` line, then the user message template with
 * `{{name}}` slots (the system part may have slots too). Each answer reports the `id@version` it used.
 */
export interface PromptTemplate {
  readonly id: string
  readonly version: number
  /** "answer@1" */
  readonly ref: string
  render(values: Record<string, string>): ChatMessage[]
}

const SEPARATOR = '<!-- user -->'
const DEFAULT_DIR = fileURLToPath(new URL('../../../prompts/', import.meta.url))
/** Reads a prompt file; the caller keeps the template (the answerer reads its three once, when created). */
export function loadPrompt(id: string, version: number, dir: string = DEFAULT_DIR): PromptTemplate {
  const file = path.join(dir, `${id}.v${version}.md`)
  const raw = fs.readFileSync(file, 'utf8')
  const at = raw.indexOf(SEPARATOR)
  if (at < 0) throw new Error(`prompt ${file} has no "${SEPARATOR}" line between the system and user parts`)
  const system = raw.slice(0, at).trim()
  const user = raw.slice(at + SEPARATOR.length).trim()
  const template: PromptTemplate = {
    id,
    version,
    ref: `${id}@${version}`,
    render(values) {
      // One pass, so a value that itself contains "{{x}}" (a document could) is never expanded.
      const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => values[name] ?? '')
      return [
        { role: 'system', content: fill(system) },
        { role: 'user', content: fill(user) },
      ]
    },
  }
  return template
}
