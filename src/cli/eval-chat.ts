import fs from 'node:fs'
import { writeJson, writeLine, type CliContext } from './context.js'
import { createHybridRetriever } from '../core/retrieval/hybrid-retriever.js'
import type { Retrieval, Retriever } from '../core/retrieval/retriever.js'
import { createAnswerer } from '../core/answer/answerer.js'
import type { ChatMessage } from '../core/models.js'
import { isChatEvalLine, readChatEvalQuestions, saysNotHeld, type ChatEvalQuestion } from './chat-eval-set.js'
import { withEvalStore } from './eval-store.js'

/** True when the file's first non-empty line is a chat-format question. */
export function firstLineIsChatFormat(file: string): boolean {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return false
  }
  const first = text.split('\n').find((l) => l.trim() !== '')
  return first !== undefined && isChatEvalLine(first)
}

interface Verdict {
  readonly q: ChatEvalQuestion
  /** the retrieved sources cover every side (for `needs: []`: the answer says no document serves) */
  readonly sourced: boolean
  /** the same judged on the answer's citations */
  readonly cited: boolean
  readonly retrieved: readonly string[]
  readonly answer: string
}

/**
 * Asks every chat-format question through the answer pipeline (extractive, no model; follow-ups with
 * their earlier turns as history) and judges the sources it retrieved and the answer it gave.
 */
export async function runChatEval(
  ctx: CliContext,
  options: { questionsFile: string; pdfDir: string; storeDir: string | undefined; json: boolean; details: boolean },
): Promise<number> {
  const { questions, problems } = readChatEvalQuestions(options.questionsFile)
  for (const p of problems) {
    if (options.json) writeJson(ctx.stdout, { type: 'question-skipped', line: p.line, error: { code: p.code, message: p.message } })
    else writeLine(ctx.stderr, `ragtune: ${options.questionsFile}:${p.line}: ${p.message} [${p.code}]`)
  }
  return withEvalStore(ctx, options, async ({ corpus, logger, idByStem, failed }) => {
    const hybrid = createHybridRetriever({ corpus, logger })
    // the answerer's retrieval, kept to judge its sources (the answer itself carries only the cited ones)
    const seen: { last?: Retrieval | undefined } = {}
    const retriever: Retriever = {
      async retrieve(question, o) {
        seen.last = await hybrid.retrieve(question, o)
        return seen.last
      },
    }
    const answerer = createAnswerer({
      retriever,
      logger,
      voices: { list: () => Promise.resolve([]), resolve: () => Promise.resolve({ voiceId: null, model: undefined, exemplars: [] }) },
    })
    const stemById = new Map([...idByStem].map(([stem, id]) => [id, stem]))
    const verdicts: Verdict[] = []
    for (const q of questions) {
      seen.last = undefined
      const history: ChatMessage[] = q.history.map((content) => ({ role: 'user', content }))
      const result = await answerer.ask(q.question, { history })
      const retrieved = ((seen.last as Retrieval | undefined)?.sources ?? []).map((s) => stemById.get(s.documentId) ?? s.documentId)
      const cited = result.citations.map((c) => stemById.get(c.documentId) ?? c.documentId)
      const covers = (docs: readonly string[]): boolean => q.needs.every((side) => side.some((stem) => docs.includes(stem)))
      const noneNeeded = result.citations.length === 0 && (q.style === 'small-talk' || saysNotHeld(result.answer))
      const verdict: Verdict = {
        q,
        sourced: q.needs.length === 0 ? noneNeeded : covers(retrieved),
        cited: q.needs.length === 0 ? noneNeeded : covers(cited),
        retrieved: [...new Set(retrieved)],
        answer: result.answer,
      }
      verdicts.push(verdict)
      if (options.details) {
        const detail = {
          type: 'question',
          line: q.line,
          style: q.style,
          sourced: verdict.sourced,
          cited: verdict.cited,
          retrieved: verdict.retrieved,
          answer: result.answer.slice(0, 160),
        }
        if (options.json) writeJson(ctx.stdout, detail)
        else
          writeLine(
            ctx.stdout,
            `${verdict.sourced ? 'ok  ' : 'MISS'} ${verdict.cited ? 'cited' : '-    '}  ${q.style.padEnd(13)} ${q.question}  ← ${verdict.retrieved.join(' ')}`,
          )
      }
    }
    report(ctx, verdicts, options.json)
    return failed > 0 || problems.length > 0 ? 1 : 0
  })
}

function share(vs: readonly Verdict[], key: 'sourced' | 'cited'): number {
  return vs.length === 0 ? 0 : Math.round((vs.filter((v) => v[key]).length / vs.length) * 1000) / 1000
}

function report(ctx: CliContext, verdicts: readonly Verdict[], json: boolean): void {
  const styles = [...new Set(verdicts.map((v) => v.q.style))]
  const byStyle = styles.map((style) => {
    const vs = verdicts.filter((v) => v.q.style === style)
    return { style, questions: vs.length, sourced: share(vs, 'sourced'), cited: share(vs, 'cited') }
  })
  const offCorpus = verdicts.filter((v) => v.q.needs.length === 0)
  const summary = {
    questions: verdicts.length,
    sourced: share(verdicts, 'sourced'),
    cited: share(verdicts, 'cited'),
    offCorpusSaidSo: share(offCorpus, 'sourced'),
  }
  if (json) {
    for (const s of byStyle) writeJson(ctx.stdout, { type: 'style', ...s })
    writeJson(ctx.stdout, summary)
    return
  }
  writeLine(ctx.stdout, `\n${summary.questions} chat questions (extractive, no model)`)
  writeLine(ctx.stdout, '  style          n  sources cover  citations cover')
  for (const s of byStyle)
    writeLine(
      ctx.stdout,
      `  ${s.style.padEnd(13)}${String(s.questions).padStart(3)}  ${s.sourced.toFixed(3).padStart(13)}  ${s.cited.toFixed(3).padStart(15)}`,
    )
  writeLine(
    ctx.stdout,
    `all: sources cover every needed document (or the answer says none does) ${summary.sourced.toFixed(3)}; citations cover ${summary.cited.toFixed(3)}`,
  )
  writeLine(
    ctx.stdout,
    `off-corpus and small talk answered without sources, saying so: ${summary.offCorpusSaidSo.toFixed(3)} of ${offCorpus.length}`,
  )
}
