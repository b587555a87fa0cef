import type { ExplicitPair } from './explicit-pairs.js'
import type { SampleText } from './read-samples.js'
import { countTurns, matchSpeakers, parseTranscript, speakerTurns } from './transcript.js'

export interface SpeakerReport {
  /** what was asked for: a name or a role alias ("CEO") */
  readonly speaker: string
  /** the transcript speakers it matched */
  readonly matched: readonly string[]
  /** per speaker across all transcripts: turns found, turns kept as samples */
  readonly turns: Record<string, { readonly turns: number; readonly kept: number }>
  /** kept turns that answer a question asked just before them (real question→answer pairs) */
  readonly questionAnswerPairs: number
  /** files read as transcripts, and files without speaker turns kept whole (letters, speeches) */
  readonly files: { readonly transcripts: number; readonly whole: number }
}

export interface SpeakerDrop {
  readonly reason: 'speaker_not_found'
  readonly source: string
  readonly detail: string
}

/**
 * Keeps one person's words: in a transcript only their turns, each answer paired with the question put
 * to them (prepared remarks stay plain samples, to be given a question later); a file with no speaker
 * turns is that person's own writing and stays whole. A transcript where they never speak is dropped.
 */
export function selectSpeaker(
  samples: readonly SampleText[],
  speaker: string,
): { samples: SampleText[]; pairs: ExplicitPair[]; drops: SpeakerDrop[]; report: SpeakerReport } {
  const kept: SampleText[] = []
  const pairs: ExplicitPair[] = []
  const drops: SpeakerDrop[] = []
  const turns: Record<string, { turns: number; kept: number }> = {}
  const matchedAll = new Set<string>()
  let transcripts = 0
  for (const sample of samples) {
    const transcript = parseTranscript(sample.text)
    const counts = countTurns(transcript)
    // One voice throughout is not a transcript: a letter may open with "Dear Shareholders:".
    if (counts.size < 2) {
      kept.push(sample)
      continue
    }
    transcripts++
    const matched = matchSpeakers(transcript, speaker)
    for (const [name, n] of counts) {
      const entry = (turns[name] ??= { turns: 0, kept: 0 })
      entry.turns += n
      if (matched.has(name)) entry.kept += n
    }
    if (matched.size === 0) {
      drops.push({
        reason: 'speaker_not_found',
        source: sample.source,
        detail: `no turns by "${speaker}"; speakers: ${[...counts.keys()].join(', ')}`,
      })
      continue
    }
    for (const m of matched) matchedAll.add(m)
    const remarks: string[] = []
    for (const turn of speakerTurns(transcript, matched)) {
      if (turn.question === undefined) remarks.push(turn.answer)
      else pairs.push({ source: sample.source, user: turn.question.replace(/\n+/g, ' '), assistant: turn.answer.replace(/\n+/g, '\n\n') })
    }
    if (remarks.length > 0) kept.push({ source: sample.source, kind: sample.kind, text: remarks.join('\n\n') })
  }
  return {
    samples: kept,
    pairs,
    drops,
    report: {
      speaker,
      matched: [...matchedAll].sort(),
      turns,
      questionAnswerPairs: pairs.length,
      files: { transcripts, whole: samples.length - transcripts },
    },
  }
}
