import { AppError } from '../../src/errors.js'
import { cliConfig, cliLogger, parseCliArgs, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { openChatModel } from '../../src/composition/models.js'
import { prepareDataset, type PrepareReport } from '../dataset/prepare-dataset.js'
import { createPdfSampleReader } from '../dataset/pdf-sample-reader.js'
import { formatCost } from '../validate/billing-estimate.js'
import { parsePositiveNumber, parseSeed, stringFlag } from './flags.js'

const USAGE =
  'ragtune finetune prepare <samples…> --out DIR [--pairs FILE.jsonl] [--speaker NAME|CEO] [--voice-name N] [--seed N] ' +
  '[--validation-fraction F] [--min-words N] [--max-words N] [--model M] [--max-tokens N] [--price-per-million USD] ' +
  '[--offline] [--concurrency N] [--json]'

const HELP = `usage: ${USAGE}

Builds a chat fine-tuning dataset from voice samples (.txt, .md, .pdf, .html, .docx files or folders of them).
With --speaker "Name" (or a role: CEO, CFO, COO, chair, president), transcripts keep only that speaker's
turns, and the question asked before each answer becomes its prompt; files without speaker turns
(letters, speeches) are kept whole.
Questions are written by the configured chat model (RAGTUNE_CHAT_MODEL, prompt backtranslate@1); with no
model, or --offline, by the offline topic builder (offline-topic@1). Writes train.jsonl, validation.jsonl
and report.json to --out; exit 1 when the written training file fails validation.`

export function summary(report: PrepareReport): Record<string, unknown> {
  return {
    ok: report.validation.ok,
    voice: report.voice,
    promptVersion: report.promptVersion,
    files: report.files,
    ...(report.speakers === undefined ? {} : { speakers: report.speakers }),
    passages: report.passages,
    questions: report.questions,
    examples: report.examples,
    tokens: report.tokens,
    estimate: report.estimate,
    drops: report.drops.byReason,
    datasetSha256: report.datasetSha256,
    outputs: report.outputs,
  }
}

export const prepare: Command = async (ctx) => {
  const { values, positionals } = parseCliArgs(
    ctx,
    {
      out: { type: 'string' },
      pairs: { type: 'string' },
      speaker: { type: 'string' },
      'voice-name': { type: 'string' },
      seed: { type: 'string' },
      'validation-fraction': { type: 'string' },
      'min-words': { type: 'string' },
      'max-words': { type: 'string' },
      model: { type: 'string' },
      'max-tokens': { type: 'string' },
      'price-per-million': { type: 'string' },
      concurrency: { type: 'string' },
      offline: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    USAGE,
    HELP,
  )
  const out = stringFlag(values.out)
  if (out === undefined || positionals.length === 0)
    throw new AppError('invalid_arguments', `give sample paths and --out DIR\nusage: ${USAGE}`)
  const seed = parseSeed(values.seed, USAGE)
  const fraction = stringFlag(values['validation-fraction'])
  const validationFraction = fraction === undefined ? undefined : Number(fraction)
  if (validationFraction !== undefined && !(validationFraction >= 0 && validationFraction <= 0.5)) {
    throw new AppError('invalid_arguments', `--validation-fraction needs a number from 0 to 0.5\nusage: ${USAGE}`)
  }
  const minWords = parsePositiveNumber(values['min-words'], '--min-words', USAGE)
  const maxWords = parsePositiveNumber(values['max-words'], '--max-words', USAGE)
  if (minWords !== undefined && maxWords !== undefined && minWords >= maxWords) {
    throw new AppError('invalid_arguments', `--min-words must be below --max-words\nusage: ${USAGE}`)
  }
  const maxTokens = parsePositiveNumber(values['max-tokens'], '--max-tokens', USAGE)
  const price = parsePositiveNumber(values['price-per-million'], '--price-per-million', USAGE)
  const concurrency = parsePositiveNumber(values.concurrency, '--concurrency', USAGE)

  const config = cliConfig(ctx)
  const logger = cliLogger(ctx, config)
  const chatModelName = values.offline === true ? undefined : config.models.chatModel
  const chatModel = chatModelName === undefined ? undefined : openChatModel(config, { model: chatModelName })
  const json = values.json === true
  const report = await prepareDataset({
    samples: positionals,
    outDir: out,
    readPdf: createPdfSampleReader({ maxPages: config.ingest.maxPages }),
    logger,
    ...(chatModel === undefined ? {} : { chatModel }),
    ...(stringFlag(values.pairs) === undefined ? {} : { pairsFile: stringFlag(values.pairs)! }),
    ...(stringFlag(values.speaker) === undefined ? {} : { speaker: stringFlag(values.speaker)! }),
    ...(stringFlag(values['voice-name']) === undefined ? {} : { voiceName: stringFlag(values['voice-name'])! }),
    ...(seed === undefined ? {} : { seed }),
    ...(validationFraction === undefined ? {} : { validationFraction }),
    segment: { ...(minWords === undefined ? {} : { minWords }), ...(maxWords === undefined ? {} : { maxWords }) },
    ...(stringFlag(values.model) === undefined ? {} : { model: stringFlag(values.model)! }),
    ...(maxTokens === undefined ? {} : { maxTokensPerExample: maxTokens }),
    ...(price === undefined ? {} : { pricePerMillion: price }),
    ...(concurrency === undefined ? {} : { concurrency: Math.floor(concurrency) }),
    ...(chatModel === undefined
      ? {}
      : {
          onProgress: (done: number, total: number) => {
            if (ctx.stderr.isTTY === true) ctx.stderr.write(`\rbacktranslating ${done}/${total}${done === total ? '\n' : ''}`)
            else if (done % 50 === 0 || done === total) writeJson(ctx.stderr, { event: 'backtranslate', done, total })
          },
        }),
  })

  if (json) writeJson(ctx.stdout, summary(report))
  else {
    const r = report
    writeLine(
      ctx.stdout,
      `voice "${r.voice}", questions by ${r.promptVersion} (model ${r.questions.model}, offline ${r.questions.offline})`,
    )
    writeLine(ctx.stdout, `files: ${r.files.read} read, ${r.files.skipped} skipped`)
    if (r.speakers !== undefined) {
      const turns = Object.entries(r.speakers.turns)
        .map(([name, t]) => `${name} ${t.kept}/${t.turns}`)
        .join(', ')
      writeLine(
        ctx.stdout,
        `speaker "${r.speakers.speaker}" = ${r.speakers.matched.join(', ') || 'nobody'}: turns kept per speaker ${turns || '(no transcripts)'}; ${r.speakers.questionAnswerPairs} question→answer pairs`,
      )
    }
    writeLine(
      ctx.stdout,
      `passages: ${r.passages.segmented} segmented, ${r.passages.duplicates} duplicates removed, ${r.passages.kept} kept (${r.passages.words} words)`,
    )
    writeLine(
      ctx.stdout,
      `examples: ${r.examples.train} train (${r.sources.train.length} sources), ${r.examples.validation} validation (${r.sources.validation.length} sources)`,
    )
    writeLine(
      ctx.stdout,
      `tokens (${r.tokens.encoding}): train ${r.tokens.train.total} (max ${r.tokens.train.max}), validation ${r.tokens.validation.total}`,
    )
    writeLine(ctx.stdout, `estimate for ${r.tokens.model}: ${r.estimate.epochs} epochs, ~${r.estimate.billedTokens} billed training tokens`)
    if (r.estimate.cost !== undefined)
      writeLine(ctx.stdout, `cost: ~${formatCost(r.estimate.cost)} at $${r.estimate.pricePerMillion} per 1M training tokens`)
    const dropped = Object.entries(r.drops.byReason)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')
    if (dropped !== '') writeLine(ctx.stdout, `dropped: ${dropped} (details in report.json)`)
    if (!r.validation.ok) writeLine(ctx.stdout, `train.jsonl fails validation: ${Object.keys(r.validation.errors).join(', ')}`)
    writeLine(ctx.stdout, `wrote ${r.outputs.train}, ${r.outputs.validation}, ${r.outputs.report} (sha256 ${r.datasetSha256.slice(0, 12)})`)
  }
  return report.validation.ok ? 0 : 1
}
