import { createHash } from 'node:crypto'

/**
 * The documented fallback when no chat model is configured: a question a shareholder could plausibly
 * ask, built from the passage's own topic phrases (see key-phrases.ts) and the kind of passage it is
 * (figures, a mistake owned up to, an outlook, an acquisition, an explanation). Deterministic: the same
 * passage always gets the same question, the template variant chosen by a hash of the text.
 * Recorded in report.json as `offline-topic@1`.
 */
export const OFFLINE_QUESTION_VERSION = 'offline-topic@1'

type Cue = 'results' | 'mistake' | 'outlook' | 'deal' | 'reasoning' | 'explain'

const CUES: readonly [Cue, RegExp][] = [
  ['mistake', /\b(mistakes?|errors?|blunders?|wrong|regret|dumb|failed|failure)\b/gi],
  ['deal', /\b(acqui(?:red?|sition)|purchased?|bought|buy(?:ing)?|merger)\b/gi],
  ['outlook', /\b(will|expect(?:ed|s)?|future|ahead|outlook|forecast|going forward|next year)\b/gi],
  ['results', /(\$\s?\d|\d+(?:\.\d+)?%|\b(?:billion|million|earnings|profits?|revenues?|sales|gain|loss)\b)/gi],
  ['reasoning', /\b(because|reason|therefore|principles?|believe|philosophy)\b/gi],
]

// Cues differ in base rate: "will" and figures are everywhere, owning a mistake is rare and telling.
const WEIGHT: Record<Cue, number> = { mistake: 3, deal: 1.5, outlook: 0.6, results: 0.5, reasoning: 1, explain: 0 }

const TEMPLATES: Record<Cue, readonly ((a: string, b: string) => string)[]> = {
  mistake: [
    (a) => `What went wrong with ${a}, and what did you learn from it?`,
    (a, b) => `Looking back, what mistakes did you make on ${a}, and how do they shape the way you think about ${b}?`,
  ],
  deal: [
    (a) => `Why did ${a} appeal to you, and what made the price worth paying?`,
    (a, b) => `What did you see in ${a} that others missed, and how does it fit with ${b}?`,
  ],
  outlook: [
    (a) => `What should shareholders expect from ${a} in the years ahead?`,
    (a, b) => `How do you see ${a} developing from here, particularly with respect to ${b}?`,
  ],
  results: [
    (a) => `How did ${a} do this past year, and what do the numbers really tell shareholders?`,
    (a, b) => `Can you walk us through the results for ${a}, and what they say about ${b}?`,
  ],
  reasoning: [
    (a) => `Why do you think about ${a} the way you do?`,
    (a, b) => `What is the principle behind your approach to ${a}, and how does it apply to ${b}?`,
  ],
  explain: [
    (a) => `Can you explain your thinking on ${a}?`,
    (a, b) => `How do you think about ${a}, especially when it comes to ${b}?`,
  ],
}

export function passageCue(passage: string, hasName = true): Cue {
  let best: Cue = 'explain'
  let bestScore = 1
  for (const [cue, re] of CUES) {
    // "Why did intrinsic value appeal to you" is no question: a deal needs a named business.
    if (cue === 'deal' && !hasName) continue
    const score = (passage.match(re) ?? []).length * WEIGHT[cue]
    if (score > bestScore) {
      best = cue
      bestScore = score
    }
  }
  return best
}

export function offlineQuestion(passage: string, phrases: readonly string[]): string {
  const name = phrases.find((p) => /^\p{Lu}/u.test(p))
  const cue = passageCue(passage, name !== undefined)
  const a = (cue === 'deal' ? name : phrases[0]) ?? 'this part of the business'
  const b = phrases.find((p) => p !== a)
  const templates = TEMPLATES[cue]
  const pick = createHash('sha256').update(passage).digest().readUInt32BE(0)
  // Two-phrase variants only when a second topic exists.
  const usable = b === undefined ? templates.slice(0, 1) : templates
  const template = usable[pick % usable.length]!
  return template(a, b ?? a)
}
