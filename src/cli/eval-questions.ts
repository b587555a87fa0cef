import fs from 'node:fs'
import { AppError } from '../errors.js'

/** One FinanceBench-style question, evidence pages already 1-based. */
export interface EvalQuestion {
  readonly line: number
  readonly question: string
  readonly docName: string
  readonly pages: readonly number[]
}

export interface QuestionProblem {
  readonly line: number
  readonly code: string
  readonly message: string
}

/**
 * Reads a JSONL question file. A bad line is reported (code + what to fix) and skipped; the rest are
 * still asked. `parse` turns one JSON value into a question, or undefined when it lacks a field
 * (reported as `invalid_question` with `expected`).
 */
export function readQuestionLines<T>(
  file: string,
  parse: (value: unknown, line: number) => T | undefined,
  expected: string,
): { questions: T[]; problems: QuestionProblem[] } {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new AppError('not_found', `cannot read --questions ${file}; give a JSONL file of questions`, { status: 404, cause: err })
  }
  const questions: T[] = []
  const problems: QuestionProblem[] = []
  text.split('\n').forEach((raw, i) => {
    const line = i + 1
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      problems.push({ line, code: 'invalid_json', message: 'not valid JSON; each line must be one JSON object' })
      return
    }
    const q = parse(value, line)
    if (q === undefined) problems.push({ line, code: 'invalid_question', message: expected })
    else questions.push(q)
  })
  return { questions, problems }
}

/** FinanceBench format: evidence_page_num is 0-based, so PDF page = n + 1. */
export function readEvalQuestions(file: string): { questions: EvalQuestion[]; problems: QuestionProblem[] } {
  return readQuestionLines(
    file,
    (value, line) => {
      const q = value as { question?: unknown; doc_name?: unknown; evidence?: unknown }
      const evidence = Array.isArray(q.evidence) ? (q.evidence as { evidence_page_num?: unknown }[]) : []
      const pages = evidence.map((e) => e.evidence_page_num).filter((n): n is number => Number.isInteger(n) && (n as number) >= 0)
      if (
        typeof q.question !== 'string' ||
        q.question.trim() === '' ||
        typeof q.doc_name !== 'string' ||
        q.doc_name === '' ||
        pages.length === 0
      )
        return undefined
      return { line, question: q.question, docName: q.doc_name, pages: [...new Set(pages.map((n) => n + 1))] }
    },
    'needs "question" (text), "doc_name" (PDF file name without .pdf) and "evidence": [{"evidence_page_num": n}] (0-based)',
  )
}
