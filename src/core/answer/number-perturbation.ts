import type { ExtractedNumber } from './numbers.js'

/**
 * Wrong versions of a right answer, for measuring what the fact-lock catches: one number at a time is
 * scaled by 3–15 % up or down, has two digits swapped, or has its unit shifted by a factor of 1,000.
 * Seeded, so the same answer always gives the same perturbations and runs compare.
 */
export type PerturbationKind = 'scaled' | 'digits' | 'unit'

export interface Perturbation {
  readonly kind: PerturbationKind
  /** the answer with one number changed */
  readonly text: string
  /** the number as written before and after */
  readonly from: string
  readonly to: string
  /** where the changed number starts in `text` */
  readonly at: number
}

/** mulberry32: a tiny seeded generator; quality is plenty for picking perturbations. */
export function seededRandom(seed: string): () => number {
  let h = 2166136261
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619)
  let a = h >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SHIFT_UP: Record<string, string> = {
  thousand: 'million',
  k: 'm',
  million: 'billion',
  millions: 'billions',
  mn: 'bn',
  m: 'b',
  mm: 'bn',
  billion: 'trillion',
  bn: 'tn',
  b: 'tn',
}

/** The three perturbations of each number in `targets` (numbers of `text`), as far as each applies. */
export function perturbations(text: string, targets: readonly ExtractedNumber[], seed: string): Perturbation[] {
  const random = seededRandom(seed)
  const out: Perturbation[] = []
  for (const n of targets) {
    const parts = splitRaw(n.raw)
    if (parts === undefined) continue
    const swap = (to: string): string => text.slice(0, n.index) + to + text.slice(n.index + n.raw.length)
    const add = (kind: PerturbationKind, to: string | undefined): void => {
      if (to !== undefined && to !== n.raw) out.push({ kind, text: swap(to), from: n.raw, to, at: n.index })
    }
    const grouped = parts.body.includes(',')

    const factor = 1 + (random() < 0.5 ? -1 : 1) * (0.03 + 0.12 * random())
    let scaled = format(n.value * factor, n.decimals, grouped)
    if (scaled === format(n.value, n.decimals, grouped))
      scaled = format(n.value + 10 ** -n.decimals * (factor > 1 ? 1 : -1), n.decimals, grouped)
    add('scaled', parts.prefix + scaled + parts.suffix)

    add('digits', parts.prefix + swapDigits(parts.body, random) + parts.suffix)

    const word = /([A-Za-z]+)\s*$/.exec(parts.suffix)?.[1]
    const up = word === undefined ? undefined : SHIFT_UP[word.toLowerCase()]
    if (up !== undefined && word !== undefined)
      add('unit', parts.prefix + parts.body + parts.suffix.slice(0, parts.suffix.length - word.length) + up)
    else if (!n.percent) add('unit', parts.prefix + format(n.value * 1000, n.decimals, true) + parts.suffix)
  }
  return out
}

function splitRaw(raw: string): { prefix: string; body: string; suffix: string } | undefined {
  const m = /^([^\d]*)(\d[\d,]*(?:\.\d+)?)(.*)$/s.exec(raw)
  return m === null ? undefined : { prefix: m[1] ?? '', body: m[2] ?? '', suffix: m[3] ?? '' }
}

function format(value: number, decimals: number, grouped: boolean): string {
  return Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: grouped })
}

/** Two neighbouring different digits swapped; a lone digit (or all alike) becomes another digit. */
function swapDigits(body: string, random: () => number): string {
  const chars = [...body]
  const at: number[] = []
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i] as string
    const b = chars[i + 1] as string
    if (/\d/.test(a) && /\d/.test(b) && a !== b) at.push(i)
  }
  if (at.length > 0) {
    const i = at[Math.floor(random() * at.length)] as number
    ;[chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string]
    return chars.join('')
  }
  const last = chars.findLastIndex((c) => /\d/.test(c))
  chars[last] = String((Number(chars[last]) + 1 + Math.floor(random() * 8)) % 10)
  return chars.join('')
}
