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

// One topic per question: pairing two extracted phrases reads as machine-made far more often than not.
const TEMPLATES: Record<Cue, readonly ((a: string) => string)[]> = {
  mistake: [
    (a) => `What went wrong with ${a}, and what did you learn from it?`,
    (a) => `Looking back, what would you do differently about ${a}?`,
    (a) => `Where did you misjudge ${a}?`,
  ],
  deal: [
    (a) => `Why did ${a} appeal to you, and what made the price worth paying?`,
    (a) => `What did you see in ${a} that others missed?`,
    (a) => `How did the ${a} deal come about?`,
  ],
  outlook: [
    (a) => `What should shareholders expect from ${a} in the years ahead?`,
    (a) => `How do you see ${a} developing from here?`,
    (a) => `What worries you, and what encourages you, about ${a} going forward?`,
  ],
  results: [
    (a) => `How did ${a} do this past year, and what do the numbers really tell shareholders?`,
    (a) => `Can you walk us through the figures on ${a}?`,
    (a) => `What should we make of this year's numbers for ${a}?`,
  ],
  reasoning: [
    (a) => `Why do you think about ${a} the way you do?`,
    (a) => `What is the principle behind your approach to ${a}?`,
    (a) => `Why does ${a} matter so much to how you run the company?`,
  ],
  explain: [
    (a) => `Can you explain your thinking on ${a}?`,
    (a) => `What should shareholders understand about ${a}?`,
    (a) => `How do you think about ${a}?`,
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
  const templates = TEMPLATES[cue]
  const pick = createHash('sha256').update(passage).digest().readUInt32BE(0)
  return templates[pick % templates.length]!(a)
}
