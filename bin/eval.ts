import type { CliContext, Command } from '../src/cli/context.js'
import { isHelp, writeLine } from '../src/cli/context.js'

/**
 * `ragtune eval <suite>`: evaluations live in different rings (retrieval in src/, voice in finetune/),
 * so the sub-dispatcher sits here in bin/, loading each suite lazily.
 */
const suites: Record<string, { summary: string; load: () => Promise<Command> }> = {
  retrieval: {
    summary: 'eval retrieval --questions FILE.jsonl --pdfs DIR [--json]',
    load: async () => (await import('../src/cli/eval-retrieval.js')).evalRetrieval,
  },
  answers: {
    summary: 'eval answers --questions FILE.jsonl --pdfs DIR [--json] [--store DIR]',
    load: async () => (await import('../src/cli/eval-answers.js')).evalAnswers,
  },
  factlock: {
    summary: 'eval factlock --questions FILE.jsonl [--json]',
    load: async () => (await import('../src/cli/eval-factlock.js')).evalFactLock,
  },
  voice: {
    summary: 'eval voice --voice DIR --contrast DIR [--test-voice DIR --test-contrast DIR] [--json]',
    load: async () => (await import('../finetune/cli/eval-voice.js')).evalVoice,
  },
}

export const evaluate: Command = async (ctx: CliContext) => {
  const [name, ...rest] = ctx.argv
  const suite = name === undefined ? undefined : suites[name]
  if (suite === undefined) {
    const usage = Object.values(suites)
      .map((s) => `  ragtune ${s.summary}`)
      .join('\n')
    const known = name === undefined || isHelp(name)
    writeLine(
      known ? ctx.stdout : ctx.stderr,
      `${known ? '' : `ragtune: unknown eval suite "${name}" [invalid_arguments]\n`}usage:\n${usage}`,
    )
    return known && name !== undefined ? 0 : 2
  }
  return (await suite.load())({ ...ctx, argv: rest })
}
