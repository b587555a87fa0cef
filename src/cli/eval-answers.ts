import { parseCliArgs, requiredFlags, writeJson, writeLine, type CliContext } from './context.js'
import { createHybridRetriever } from '../core/retrieval/hybrid-retriever.js'
import { createAnswerer } from '../core/answer/answerer.js'
import { createStaticVoiceResolver } from '../core/answer/static-voice-resolver.js'
import { goldFigure, printedIn, showsFigure } from '../core/answer/gold-figure.js'
import { readFactLockCases } from './eval-factlock.js'
import { withEvalStore } from './eval-store.js'

const USAGE = 'ragtune eval answers --questions FILE.jsonl --pdfs DIR [--json] [--store DIR]'

const HELP = `usage: ${USAGE}

Ingests every PDF under DIR into one store (BM25 only), asks every question of FILE.jsonl (FinanceBench
format: question, answer, question_type, evidence[].evidence_text) in extractive mode (no model), and
reports how often the answer shows the gold figure: the first amount of the gold answer, read in its
unit and at the precision it is written with (see gold-figure.ts). Two groups:
  printed     questions whose gold figure is printed in their evidence texts (quoting suffices)
  computed    "metrics-generated" questions (the figure often has to be computed)

  --json      one JSON line per question, then {"printed":{"shown","of"},"computed":{"shown","of"},"all":{"shown","of"}}
  --store DIR keep the store in DIR and reuse it on the next run`

/** `ragtune eval answers …` */
export async function evalAnswers(ctx: CliContext): Promise<number> {
  const { values } = parseCliArgs(
    ctx,
    { questions: { type: 'string' }, pdfs: { type: 'string' }, json: { type: 'boolean' }, store: { type: 'string' } },
    USAGE,
    HELP,
  )
  const json = values.json === true
  const { questions: file, pdfs: pdfDir } = requiredFlags(values, ['questions', 'pdfs'], USAGE)
  const { cases, problems } = readFactLockCases(file)
  for (const p of problems) writeLine(ctx.stderr, `ragtune: ${file}:${p.line}: ${p.message} [invalid_question]`)

  return withEvalStore(ctx, { pdfDir, storeDir: typeof values.store === 'string' ? values.store : undefined, json }, async (store) => {
    const { corpus, logger } = store
    const answerer = createAnswerer({
      retriever: createHybridRetriever({ corpus, logger }),
      voices: createStaticVoiceResolver({ chatModel: undefined }),
      logger,
      facts: corpus.facts?.bind(corpus),
    })
    const tally = { printed: { shown: 0, of: 0 }, computed: { shown: 0, of: 0 }, all: { shown: 0, of: 0 } }
    for (const c of cases) {
      const gold = goldFigure(c.answer)
      if (gold === undefined) continue
      const result = await answerer.ask(c.question)
      const shown = showsFigure(result.answer, gold)
      const printed = printedIn(c.sources, gold)
      const computed = c.type === 'metrics-generated'
      for (const [group, member] of [
        ['printed', printed],
        ['computed', computed],
        ['all', true],
      ] as const) {
        if (!member) continue
        tally[group].of++
        if (shown) tally[group].shown++
      }
      if (json) writeJson(ctx.stdout, { type: 'question', id: c.id, gold: gold.raw, printed, computed, shown })
      else
        writeLine(
          ctx.stdout,
          `${shown ? 'shown ' : 'absent'}  ${c.id}  gold ${gold.raw}${printed ? ' (printed)' : ''}${computed ? ' (metrics-generated)' : ''}`,
        )
    }
    const pct = (t: { shown: number; of: number }): string =>
      `${t.shown} of ${t.of} (${t.of === 0 ? 0 : Math.round((t.shown / t.of) * 1000) / 10} %)`
    if (json) writeJson(ctx.stdout, tally)
    else {
      writeLine(ctx.stdout, `\ngold figure shown, extractive mode (no model):`)
      writeLine(ctx.stdout, `  printed in the evidence: ${pct(tally.printed)}`)
      writeLine(ctx.stdout, `  metrics-generated:       ${pct(tally.computed)}`)
      writeLine(ctx.stdout, `  all with a gold figure:  ${pct(tally.all)}`)
    }
    return store.failed > 0 || problems.length > 0 ? 1 : 0
  })
}
