import fs from 'node:fs/promises'
import { AppError } from '../../src/errors.js'

/**
 * Hand-written prompt/answer pairs merged into the dataset (`--pairs FILE.jsonl`). One JSON object per
 * line: `{"prompt": "...", "response": "..."}` (also `completion`, or `question`/`answer`), or a full
 * `{"messages": [...]}` example. An optional `source` groups pairs for the train/validation split;
 * without it each pair is its own source. A bad line is dropped with its line number; the rest go on.
 */
export interface ExplicitPair {
  readonly source: string
  readonly user: string
  readonly assistant: string
}

export interface PairDrop {
  readonly source: string
  readonly reason: 'invalid_pair'
  readonly detail: string
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

export function parsePairs(text: string, file: string): { pairs: ExplicitPair[]; drops: PairDrop[] } {
  const pairs: ExplicitPair[] = []
  const drops: PairDrop[] = []
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return
    const where = `${file}:${i + 1}`
    const drop = (detail: string): void => void drops.push({ source: where, reason: 'invalid_pair', detail })
    let v: unknown
    try {
      v = JSON.parse(raw)
    } catch {
      return drop('not JSON; write one object per line')
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return drop('not a JSON object')
    const o = v as Record<string, unknown>
    const source = str(o.source) ?? where
    if (Array.isArray(o.messages)) {
      const msgs = o.messages as unknown[]
      const last = (role: string): string | undefined => {
        for (let k = msgs.length - 1; k >= 0; k--) {
          const m = msgs[k] as Record<string, unknown> | null
          if (m !== null && typeof m === 'object' && m.role === role) return str(m.content)
        }
        return undefined
      }
      const user = last('user')
      const assistant = last('assistant')
      if (user === undefined || assistant === undefined) return drop('"messages" needs a user and an assistant message with text')
      pairs.push({ source, user, assistant })
      return
    }
    const user = str(o.prompt) ?? str(o.question)
    const assistant = str(o.response) ?? str(o.completion) ?? str(o.answer)
    if (user === undefined || assistant === undefined) return drop('needs "prompt" and "response" strings (or "messages")')
    pairs.push({ source, user, assistant })
  })
  return { pairs, drops }
}

export async function readPairs(file: string): Promise<{ pairs: ExplicitPair[]; drops: PairDrop[] }> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    throw new AppError('file_not_found', `cannot read the pairs file ${file}; pass an existing JSONL file to --pairs`, { cause: err })
  }
  return parsePairs(text, file)
}
