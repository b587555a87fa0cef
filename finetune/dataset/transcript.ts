/**
 * Speaker turns of a call or meeting transcript (earnings calls above all), so that a voice is learned
 * from one person's turns only and the questions put to them become real prompts.
 *
 * Layouts recognised, each on its own line:
 * - "Name -- Title" / "Name - Title" / "Name – Chief Executive Officer" (a turn header, and also how
 *   participant lists name everyone's role);
 * - "NAME:" or "Full Name:" or "Name, Title:" followed by the turn's first words on the same line;
 * - a name already known from one of the above, alone on its line.
 */
export interface Turn {
  readonly speaker: string
  readonly title?: string
  readonly text: string
}

export interface Transcript {
  readonly turns: readonly Turn[]
  /** every speaker's title, where the transcript gives one */
  readonly titles: ReadonlyMap<string, string>
}

const NAME = String.raw`(?:[\p{Lu}][\p{L}'’.-]*\.?)(?:\s+(?:[\p{Lu}][\p{L}'’.-]*\.?|de|van|von|da|del|la|le|bin)){0,4}`
const DASHED = new RegExp(String.raw`^(${NAME})\s+(?:--|-|–|—)\s+(.{2,100})$`, 'u')
const COLON = new RegExp(String.raw`^(${NAME})(?:,\s*([^:]{2,80}))?:\s*(.*)$`, 'u')
/** A colon label needs two or more words, capitals only ("TIM COOK"), to be a known name or "Operator": "Revenue:" is not a speaker. */
const CAPS = /^[\p{Lu}\s.'’-]+$/u

export function parseTranscript(text: string): Transcript {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim())
  const titles = new Map<string, string>()
  // First pass: names and roles from "Name -- Title" lines (participant lists and turn headers).
  for (const line of lines) {
    const m = DASHED.exec(line)
    if (m !== null && isTitle(m[2] ?? '')) titles.set(canonical(m[1] ?? ''), (m[2] ?? '').trim())
  }
  const turns: { speaker: string; title?: string; lines: string[] }[] = []
  const start = (speaker: string, title: string | undefined, first: string): void => {
    const name = canonical(speaker)
    if (title !== undefined && isTitle(title)) titles.set(name, title.trim())
    turns.push({ speaker: name, ...(titles.has(name) ? { title: titles.get(name)! } : {}), lines: first === '' ? [] : [first] })
  }
  for (const line of lines) {
    if (line === '') continue
    const dashed = DASHED.exec(line)
    if (dashed !== null && isTitle(dashed[2] ?? '')) {
      start(dashed[1] ?? '', dashed[2], '')
      continue
    }
    const colon = COLON.exec(line)
    if (colon !== null) {
      const label = colon[1] ?? ''
      const known = titles.has(canonical(label))
      if (known || /^operator$/i.test(label) || label.split(/\s+/).length >= 2 || (CAPS.test(label) && label.length >= 3)) {
        start(label, colon[2], colon[3] ?? '')
        continue
      }
    }
    if (titles.has(canonical(line))) {
      start(line, undefined, '')
      continue
    }
    turns.at(-1)?.lines.push(line)
  }
  return {
    turns: turns
      .filter((t) => t.lines.length > 0)
      .map((t) => ({ speaker: t.speaker, ...(t.title === undefined ? {} : { title: t.title }), text: t.lines.join('\n') })),
    titles,
  }
}

/** A role, not a sentence: short, no full stop at the end, mostly capitalised words. */
function isTitle(title: string): boolean {
  const t = title.trim()
  if (t.length > 100 || /[.?!]$/.test(t) || /\d{3,}/.test(t)) return false
  const words = t.split(/\s+/)
  const capitalised = words.filter((w) => /^[\p{Lu}&]/u.test(w)).length
  return words.length <= 12 && capitalised / words.length >= 0.5
}

/** "TIM COOK" and "Tim Cook" are one speaker: names compare in title case. */
function canonical(name: string): string {
  const n = name.trim()
  if (!CAPS.test(n)) return n
  return n.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase())
}

/** Role words a user may give instead of a name (`--speaker CEO`). */
const ROLE_ALIASES: Readonly<Record<string, RegExp>> = {
  ceo: /chief executive|\bceo\b/i,
  cfo: /chief financial|\bcfo\b/i,
  coo: /chief operating|\bcoo\b/i,
  cto: /chief technology|\bcto\b/i,
  chair: /\bchair(?:man|woman|person)?\b/i,
  chairman: /\bchair(?:man|woman|person)?\b/i,
  president: /\bpresident\b/i,
}

/** Which speakers of the transcript `wanted` names: a name (any case, or a last name alone) or a role alias. */
export function matchSpeakers(transcript: Transcript, wanted: string): Set<string> {
  const want = wanted.trim().toLowerCase()
  const speakers = new Set(transcript.turns.map((t) => t.speaker))
  const out = new Set<string>()
  for (const s of speakers) {
    const name = s.toLowerCase()
    if (name === want || name.split(/\s+/).at(-1) === want) out.add(s)
  }
  if (out.size > 0) return out
  const role = ROLE_ALIASES[want]
  if (role === undefined) return out
  for (const s of speakers) if (role.test(transcript.titles.get(s) ?? '')) out.add(s)
  return out
}

export interface SpeakerPair {
  /** the question put to the speaker just before, or undefined for prepared remarks */
  readonly question: string | undefined
  readonly answer: string
}

/**
 * The wanted speaker's turns, each with the question asked before it: the latest earlier turn by someone
 * else (the operator's hand-overs skipped) that asks something and comes after the speaker's previous
 * turn. Prepared remarks have no question and become plain samples.
 */
export function speakerTurns(transcript: Transcript, speakers: ReadonlySet<string>): SpeakerPair[] {
  const out: SpeakerPair[] = []
  let pending: string | undefined
  for (const turn of transcript.turns) {
    if (speakers.has(turn.speaker)) {
      out.push({ question: pending, answer: turn.text })
      pending = undefined
    } else if (!/^operator$/i.test(turn.speaker) && turn.text.includes('?')) {
      // A colleague's answer in between does not cancel the question; a new question replaces it.
      pending = turn.text
    }
  }
  return out
}

/** Turns per speaker, for the report. */
export function countTurns(transcript: Transcript): Map<string, number> {
  const counts = new Map<string, number>()
  for (const t of transcript.turns) counts.set(t.speaker, (counts.get(t.speaker) ?? 0) + 1)
  return counts
}
