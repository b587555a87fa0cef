import { countWords, splitSentences } from './sentences.js'

export interface SegmentOptions {
  readonly minWords?: number
  readonly maxWords?: number
  /** a passage closes once it reaches this size; whole paragraphs are kept together up to maxWords */
  readonly targetWords?: number
}

export type SegmentDropReason = 'too_short' | 'sentence_too_long' | 'not_prose'

export interface SegmentDrop {
  readonly reason: SegmentDropReason
  readonly words: number
  readonly preview: string
}

export const DEFAULT_MIN_WORDS = 80
export const DEFAULT_MAX_WORDS = 400
export const DEFAULT_TARGET_WORDS = 220

interface Unit {
  readonly text: string
  readonly words: number
}

const preview = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text)

/** A paragraph longer than maxWords is cut into balanced runs of whole sentences. */
function splitLongParagraph(paragraph: string, words: number, o: Required<SegmentOptions>, drops: SegmentDrop[]): Unit[][] {
  const pieces = Math.ceil(words / o.targetWords)
  const per = words / pieces
  const runs: Unit[][] = [[]]
  let run: string[] = []
  let runWords = 0
  const close = (): void => {
    if (run.length > 0) runs[runs.length - 1]!.push({ text: run.join(' '), words: runWords })
    run = []
    runWords = 0
  }
  for (const sentence of splitSentences(paragraph)) {
    const w = countWords(sentence)
    if (w > o.maxWords) {
      // One "sentence" past the limit is a flattened table or list: no clean cut exists, so drop it
      // and start a fresh run, rather than ever cutting inside it.
      close()
      runs.push([])
      drops.push({ reason: 'sentence_too_long', words: w, preview: preview(sentence) })
      continue
    }
    if (runWords > 0 && (runWords + w > o.maxWords || (runWords >= per && runWords >= o.minWords))) close()
    run.push(sentence)
    runWords += w
  }
  close()
  return runs
}

function isProse(text: string): boolean {
  const tokens = text.split(/\s+/).filter(Boolean)
  return tokens.filter((t) => /[A-Za-z]{2,}/.test(t)).length >= 0.75 * tokens.length
}

/**
 * Groups paragraphs into passages of roughly minWords–maxWords. Boundaries fall between paragraphs where
 * possible and otherwise between sentences, never inside one. Paragraph breaks are kept as blank lines.
 */
export function segmentPassages(paragraphs: readonly string[], options: SegmentOptions = {}): { passages: string[]; drops: SegmentDrop[] } {
  const o: Required<SegmentOptions> = {
    minWords: options.minWords ?? DEFAULT_MIN_WORDS,
    maxWords: options.maxWords ?? DEFAULT_MAX_WORDS,
    targetWords: options.targetWords ?? Math.min(DEFAULT_TARGET_WORDS, options.maxWords ?? DEFAULT_MAX_WORDS),
  }
  const drops: SegmentDrop[] = []
  // Runs of units that may be joined; a dropped over-long sentence separates runs.
  const runs: Unit[][] = [[]]
  for (const p of paragraphs) {
    const words = countWords(p)
    if (words === 0) continue
    if (words <= o.maxWords) runs[runs.length - 1]!.push({ text: p, words })
    else {
      const [first = [], ...rest] = splitLongParagraph(p, words, o, drops)
      runs[runs.length - 1]!.push(...first)
      runs.push(...rest)
    }
  }

  const passages: Unit[] = []
  const emit = (units: Unit[], canMergeBack: boolean): void => {
    if (units.length === 0) return
    const text = units.map((u) => u.text).join('\n\n')
    const words = units.reduce((s, u) => s + u.words, 0)
    const prev = passages[passages.length - 1]
    if (words < o.minWords) {
      if (canMergeBack && prev !== undefined && prev.words + words <= o.maxWords) {
        passages[passages.length - 1] = { text: `${prev.text}\n\n${text}`, words: prev.words + words }
      } else drops.push({ reason: 'too_short', words, preview: preview(text) })
      return
    }
    passages.push({ text, words })
  }
  for (const run of runs) {
    let current: Unit[] = []
    let words = 0
    let first = true
    for (const unit of run) {
      if (words > 0 && (words + unit.words > o.maxWords || words >= o.targetWords)) {
        emit(current, !first)
        first = false
        current = []
        words = 0
      }
      current.push(unit)
      words += unit.words
    }
    emit(current, !first)
  }
  const kept: string[] = []
  for (const p of passages) {
    if (isProse(p.text)) kept.push(p.text)
    else drops.push({ reason: 'not_prose', words: p.words, preview: preview(p.text) })
  }
  return { passages: kept, drops }
}
