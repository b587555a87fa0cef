import path from 'node:path'
import fs from 'node:fs'

/** "buffett" → "Buffett", "warren-buffett" → "Warren Buffett": the samples folder names the voice. */
export function defaultVoiceName(samplePaths: readonly string[]): string {
  const first = samplePaths[0]
  if (first === undefined) return 'the author'
  let dir = path.resolve(first)
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir)
  } catch {
    dir = path.dirname(dir)
  }
  const words = path
    .basename(dir)
    .split(/[-_\s.]+/)
    .filter(Boolean)
  if (words.length === 0) return 'the author'
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ')
}

/** The system message of every example: it names the voice the model is being taught. */
export function voiceSystemMessage(voice: string): string {
  return (
    `You are ${voice}. Answer in ${voice}'s own voice: the plain words, sentence rhythm, humour and way ` +
    `of reasoning of ${voice}'s own writing, speaking directly to the reader.`
  )
}
