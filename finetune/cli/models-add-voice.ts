import { parseCliArgs, writeJson, writeLine, type Command } from '../../src/cli/context.js'
import { AppError } from '../../src/errors.js'
import { readSamples } from '../dataset/read-samples.js'
import { selectSpeaker } from '../dataset/speaker-samples.js'
import { toParagraphs } from '../dataset/paragraphs.js'
import { segmentPassages } from '../dataset/segment.js'
import { stringFlag } from './flags.js'
import { withFineTuneDeps } from './finetune-deps.js'

const USAGE = 'ragtune models add-voice --name ID --samples DIR [--speaker NAME|CEO] [--model FT_ID] [--json]'

/**
 * A prompted voice: the samples become style passages (the same segmentation `finetune prepare` uses,
 * shorter, since several go into each prompt). With --model the voice also answers with that tuned
 * model (a registry id, or a model name on the default endpoint), making it prompted+fine-tuned.
 */
export const addVoice: Command = async (ctx) => {
  const { values } = parseCliArgs(
    ctx,
    {
      name: { type: 'string' },
      samples: { type: 'string', multiple: true },
      speaker: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  )
  const name = stringFlag(values.name)
  const dirs = Array.isArray(values.samples) ? values.samples.filter((s): s is string => typeof s === 'string') : []
  if (name === undefined || dirs.length === 0) throw new AppError('invalid_arguments', `--name and --samples are required\nusage: ${USAGE}`)
  if (!/^[\w.:-]{1,128}$/.test(name))
    throw new AppError('invalid_arguments', `--name "${name}" must be 1-128 letters, digits, '.', ':', '_' or '-'`)
  const read = await readSamples(dirs)
  const skips = read.skips
  // With --speaker, a transcript gives only that person's turns (answers and remarks alike are style).
  const speaker = stringFlag(values.speaker)
  const selected = speaker === undefined ? undefined : selectSpeaker(read.samples, speaker)
  const samples =
    selected === undefined
      ? read.samples
      : [...selected.samples, ...selected.pairs.map((p) => ({ source: p.source, kind: 'txt' as const, text: p.assistant }))]
  const passages = samples.flatMap((s) => segmentPassages(toParagraphs(s.text), { minWords: 40, maxWords: 200, targetWords: 120 }).passages)
  if (passages.length === 0) {
    throw new AppError(
      'no_voice_samples',
      `no usable passages in ${dirs.join(', ')} (${skips.length} files skipped); give .txt, .md, .pdf, .html or .docx files of the person's own writing (or transcripts with --speaker)`,
    )
  }
  const modelFlag = stringFlag(values.model)
  return withFineTuneDeps(ctx, async ({ registry }) => {
    const tuned = modelFlag === undefined ? undefined : await registry.get(modelFlag)
    const existing = await registry.get(name)
    const model = tuned?.model ?? modelFlag ?? existing?.model ?? null
    await registry.upsert({
      id: name,
      provider: tuned?.provider ?? existing?.provider ?? (model === null ? 'prompted' : 'openai'),
      model,
      baseModel: tuned?.baseModel ?? existing?.baseModel ?? null,
      baseURL: tuned?.baseURL ?? existing?.baseURL ?? null,
      datasetHash: tuned?.datasetHash ?? existing?.datasetHash ?? null,
      jobId: tuned?.jobId ?? existing?.jobId ?? null,
      status: 'ready',
    })
    const voice = await registry.setVoiceSamples(name, passages)
    const summary = {
      id: voice.id,
      kind: voice.kind,
      model: voice.model,
      passages: passages.length,
      files: read.samples.length,
      skipped: skips.length,
      ...(selected === undefined ? {} : { speakers: selected.report }),
    }
    if (values.json === true) writeJson(ctx.stdout, summary)
    else
      writeLine(
        ctx.stdout,
        `voice "${voice.id}" (${voice.kind}): ${passages.length} style passages from ${read.samples.length} files${selected === undefined ? '' : ` (turns of ${selected.report.matched.join(', ') || 'nobody'})`}${skips.length > 0 ? `, ${skips.length} skipped` : ''}; activate with \`ragtune models activate ${voice.id}\``,
      )
    return 0
  })
}
