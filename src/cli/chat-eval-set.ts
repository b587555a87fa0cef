import { z } from 'zod'
import { readQuestionLines, type QuestionProblem } from './eval-questions.js'

/**
 * A chat-style evaluation question: how people type in a chat box (a company alone, "tell me about X",
 * comparisons, tickers, typos, follow-ups, companies the store does not hold, small talk). `needs` lists
 * one entry per side of the question, each the document file stems any of which serves that side; an
 * empty `needs` means no document does: the answer must say the documents do not cover it (or, for
 * `small-talk`, answer without sources).
 */
export interface ChatEvalQuestion {
  readonly line: number
  readonly style: string
  readonly question: string
  /** earlier user turns of the conversation, oldest first */
  readonly history: readonly string[]
  readonly needs: readonly (readonly string[])[]
}

const Line = z.object({
  style: z.string().min(1).default('chat'),
  question: z.string().trim().min(1),
  history: z.array(z.string().min(1)).default([]),
  needs: z.union([z.literal('none'), z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))]),
})

/** True when a JSONL line is in this format (it has `needs`), so `eval retrieval` can pick the suite. */
export function isChatEvalLine(raw: string): boolean {
  try {
    const v = JSON.parse(raw) as unknown
    return typeof v === 'object' && v !== null && 'needs' in v
  } catch {
    return false
  }
}

export function readChatEvalQuestions(file: string): { questions: ChatEvalQuestion[]; problems: QuestionProblem[] } {
  return readQuestionLines(
    file,
    (value, line) => {
      const parsed = Line.safeParse(value)
      if (!parsed.success) return undefined
      const q = parsed.data
      const needs = q.needs === 'none' ? [] : q.needs.map((side) => (typeof side === 'string' ? [side] : side))
      return { line, style: q.style, question: q.question, history: q.history, needs }
    },
    'needs "question" (text), "needs" (a list with one entry per side: a file stem or a list of stems, or [] / "none"), optional "history" (earlier user turns) and "style"',
  )
}

/** An answer that says the documents do not cover what was asked. */
const SAYS_NOT_HELD =
  /\b(?:do(?:es)? not|don't|doesn't) (?:hold|cover|include|contain)\b|\bnot (?:in|among) the (?:indexed |stored )?(?:documents|filings)\b|\bno (?:indexed )?(?:document|filing)s? (?:for|about|of|from)\b/i

export function saysNotHeld(answer: string): boolean {
  return SAYS_NOT_HELD.test(answer)
}
