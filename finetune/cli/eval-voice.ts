import { AppError } from '../../src/errors.js'
import { cliConfig, parseCliArgs, requiredFlags, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { evaluateVoice } from '../voice-eval/evaluate-voice.js'
import { createPdfSampleReader } from '../dataset/pdf-sample-reader.js'
import { parsePositiveNumber, parseSeed, stringFlag } from './flags.js'

const USAGE =
  'ragtune eval voice --voice DIR --contrast DIR [--test-voice DIR --test-contrast DIR] [--holdout-fraction F] [--seed N] [--passage-words N] [--json]'

const HELP = `usage: ${USAGE}

Trains an authorship-verification scorer (character 2–4-grams + function-word profile, logistic
regression) on the voice samples against a contrast author, then reports ROC AUC on ~200-word passages:
from the test folders when given, otherwise from whole files held out of the training folders (a seeded
share, --holdout-fraction, default 0.2). AUC is the chance that a voice passage scores above a contrast
passage (1 = perfect, 0.5 = chance). With --json the last line is {"auc":x,"passages":N}.`

export const evalVoice: Command = async (ctx) => {
  const { values } = parseCliArgs(
    ctx,
    {
      voice: { type: 'string' },
      contrast: { type: 'string' },
      'test-voice': { type: 'string' },
      'test-contrast': { type: 'string' },
      'holdout-fraction': { type: 'string' },
      seed: { type: 'string' },
      'passage-words': { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
    HELP,
  )
  const { voice: voiceDir, contrast: contrastDir } = requiredFlags(values, ['voice', 'contrast'], USAGE)
  const fraction = parsePositiveNumber(values['holdout-fraction'], '--holdout-fraction', USAGE)
  if (fraction !== undefined && fraction >= 1)
    throw new AppError('invalid_arguments', `--holdout-fraction must be below 1\nusage: ${USAGE}`)
  const seed = parseSeed(values.seed, USAGE)
  const words = parsePositiveNumber(values['passage-words'], '--passage-words', USAGE)
  const testVoice = stringFlag(values['test-voice'])
  const testContrast = stringFlag(values['test-contrast'])
  const config = cliConfig(ctx)

  const r = await evaluateVoice({
    voiceDir,
    contrastDir,
    readPdf: createPdfSampleReader({ maxPages: config.ingest.maxPages }),
    ...(testVoice === undefined ? {} : { testVoiceDir: testVoice }),
    ...(testContrast === undefined ? {} : { testContrastDir: testContrast }),
    ...(fraction === undefined ? {} : { holdoutFraction: fraction }),
    ...(seed === undefined ? {} : { seed }),
    ...(words === undefined ? {} : { passageWords: Math.round(words) }),
  })
  if (r.testPassages.voice === 0 || r.testPassages.contrast === 0) {
    throw new AppError(
      'no_test_passages',
      `no test passages for ${r.testPassages.voice === 0 ? 'the voice' : 'the contrast author'}; give longer test files or a larger --holdout-fraction`,
    )
  }
  if (values.json === true) writeJson(ctx.stdout, { auc: r.auc, passages: r.passages })
  else {
    writeLine(ctx.stdout, `trained on ${r.trainPassages.voice} voice and ${r.trainPassages.contrast} contrast passages`)
    if (r.heldOut !== undefined) {
      writeLine(ctx.stdout, `held out: voice ${r.heldOut.voice.join(', ')}; contrast ${r.heldOut.contrast.join(', ')}`)
    }
    writeLine(ctx.stdout, `test passages: ${r.testPassages.voice} voice, ${r.testPassages.contrast} contrast`)
    writeLine(
      ctx.stdout,
      `mean score: voice ${r.meanScore.voice.toFixed(3)}, contrast ${r.meanScore.contrast.toFixed(3)}; accuracy at 0.5: ${(100 * r.accuracy).toFixed(1)}%`,
    )
    writeLine(ctx.stdout, `AUC ${r.auc.toFixed(4)} on ${r.passages} passages`)
  }
  return 0
}
