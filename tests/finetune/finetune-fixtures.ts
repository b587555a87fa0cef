import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A small valid chat fine-tuning file: `n` examples, one JSON object per line. */
export function trainingJsonl(n = 12): string {
  return (
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You write like the chairman of a long-lived holding company.' },
          { role: 'user', content: `What did you learn from year ${i + 1}?` },
          { role: 'assistant', content: `Year ${i + 1} taught us, once again, that patience compounds.` },
        ],
      }),
    ).join('\n') + '\n'
  )
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ragtune-${prefix}-`))
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return file
}

export { capture } from '../support/capture-stream.js'
