import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { ChatModel } from '../../src/core/models.js'
import type { Logger } from '../../src/logger.js'
import { AppError } from '../../src/errors.js'
import { DEFAULT_MAX_TOKENS_PER_EXAMPLE, DEFAULT_MODEL, validateJsonl } from '../validate/validate-examples.js'
import { createModelQuestionWriter, createOfflineQuestionWriter, writeQuestions } from './backtranslate.js'
import { readPairs, type ExplicitPair } from './explicit-pairs.js'
import { createKeyPhraseExtractor } from './key-phrases.js'
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, findDuplicates, SHINGLE_WORDS } from './near-duplicates.js'
import { toParagraphs } from './paragraphs.js'
import { readSamples, type PdfTextReader } from './read-samples.js'
import { selectSpeaker, type SpeakerReport } from './speaker-samples.js'
import { DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, DEFAULT_TARGET_WORDS, segmentPassages, type SegmentOptions } from './segment.js'
import { countWords } from './sentences.js'
import { splitBySource } from './split-by-source.js'
import { defaultVoiceName, voiceSystemMessage } from './voice-name.js'

export interface PrepareOptions {
  readonly samples: readonly string[]
  readonly outDir: string
  readonly pairsFile?: string
  /** keep only this speaker's turns of transcripts (a name or a role such as "CEO") */
  readonly speaker?: string
  /** default: from the samples folder name */
  readonly voiceName?: string
  readonly systemMessage?: string
  readonly seed?: number
  readonly validationFraction?: number
  readonly segment?: SegmentOptions
  readonly nearDuplicateThreshold?: number
  /** the base model that backtranslates; undefined: the offline topic builder */
  readonly chatModel?: ChatModel
  readonly readPdf?: PdfTextReader
  /** fine-tuning target: picks the tokenizer for counts and the estimate */
  readonly model?: string
  readonly maxTokensPerExample?: number
  readonly pricePerMillion?: number
  readonly concurrency?: number
  readonly logger?: Logger
  readonly signal?: AbortSignal
  readonly onProgress?: (done: number, total: number) => void
}

export interface DropEntry {
  readonly reason: string
  readonly source: string
  readonly detail: string
}

export interface PrepareReport {
  readonly voice: string
  readonly promptVersion: string
  readonly files: { readonly read: number; readonly skipped: number }
  readonly passages: { readonly segmented: number; readonly duplicates: number; readonly kept: number; readonly words: number }
  readonly questions: { readonly model: number; readonly offline: number; readonly fallbacks: Record<string, number> }
  readonly pairs: { readonly merged: number; readonly dropped: number }
  /** with a speaker: turns found and kept per speaker, and the question→answer pairs taken from transcripts */
  readonly speakers?: SpeakerReport
  readonly examples: { readonly train: number; readonly validation: number }
  readonly sources: { readonly train: readonly string[]; readonly validation: readonly string[] }
  readonly tokens: {
    readonly model: string
    readonly encoding: string
    readonly train: { readonly total: number; readonly max: number }
    readonly validation: { readonly total: number; readonly max: number }
  }
  readonly estimate: { readonly epochs: number; readonly billedTokens: number; readonly pricePerMillion?: number; readonly cost?: number }
  readonly validation: { readonly ok: boolean; readonly errors: Record<string, number[]> }
  readonly drops: { readonly byReason: Record<string, number>; readonly items: readonly DropEntry[] }
  readonly method: {
    readonly segmentation: Required<SegmentOptions>
    readonly dedupe: string
    readonly split: { readonly by: 'source'; readonly seed: number; readonly validationFraction: number }
  }
  readonly datasetSha256: string
  readonly outputs: { readonly train: string; readonly validation: string; readonly report: string }
}

interface Candidate {
  readonly source: string
  readonly id: string
  readonly assistant: string
  /** set for explicit pairs; passages get a question later */
  readonly user?: string
}

/**
 * samples → passages → questions → chat examples → train.jsonl / validation.jsonl / report.json.
 * Importable so the provider code can prepare before a run; the CLI is a thin wrapper.
 */
export async function prepareDataset(options: PrepareOptions): Promise<PrepareReport> {
  const voice = options.voiceName ?? defaultVoiceName(options.samples)
  const system = options.systemMessage ?? voiceSystemMessage(voice)
  const seed = options.seed ?? 42
  const validationFraction = options.validationFraction ?? 0.1
  const segmentation: Required<SegmentOptions> = {
    minWords: options.segment?.minWords ?? DEFAULT_MIN_WORDS,
    maxWords: options.segment?.maxWords ?? DEFAULT_MAX_WORDS,
    targetWords: options.segment?.targetWords ?? Math.min(DEFAULT_TARGET_WORDS, options.segment?.maxWords ?? DEFAULT_MAX_WORDS),
  }
  const threshold = options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD
  const drops: DropEntry[] = []

  const read = await readSamples(options.samples, options.readPdf === undefined ? {} : { readPdf: options.readPdf })
  const skips = read.skips
  for (const s of skips) drops.push({ reason: s.reason, source: s.source, detail: s.detail })
  const selected = options.speaker === undefined ? undefined : selectSpeaker(read.samples, options.speaker)
  const samples = selected?.samples ?? read.samples
  drops.push(...(selected?.drops ?? []))

  let pairs: ExplicitPair[] = [...(selected?.pairs ?? [])]
  let pairDrops = 0
  if (options.pairsFile !== undefined) {
    const fromFile = await readPairs(options.pairsFile)
    pairs = [...pairs, ...fromFile.pairs]
    pairDrops = fromFile.drops.length
    drops.push(...fromFile.drops)
  }
  if (samples.length === 0 && pairs.length === 0) {
    throw new AppError(
      'no_samples',
      'no readable .txt, .md, .pdf, .html or .docx samples (and no pairs) were found; check the paths (and --speaker)',
      {
        details: { skipped: skips },
      },
    )
  }

  // Explicit pairs come first so that, when a passage repeats a hand-written answer, the pair wins.
  const candidates: Candidate[] = pairs.map((p, i) => ({ source: p.source, id: `pair#${i + 1}`, assistant: p.assistant, user: p.user }))
  let segmented = 0
  for (const s of samples) {
    const { passages, drops: segDrops } = segmentPassages(toParagraphs(s.text, { markdown: s.kind === 'md' }), segmentation)
    segmented += passages.length
    for (const d of segDrops) drops.push({ reason: d.reason, source: s.source, detail: `${d.words} words: ${d.preview}` })
    passages.forEach((text, i) => candidates.push({ source: s.source, id: `${s.source}#${i + 1}`, assistant: text }))
  }

  const verdicts = findDuplicates(
    candidates.map((c) => c.assistant),
    threshold,
  )
  const kept: Candidate[] = []
  let duplicates = 0
  verdicts.forEach((v, i) => {
    const c = candidates[i]!
    if (v.kind === 'unique') return void kept.push(c)
    duplicates++
    const of = candidates[v.of]!.id
    drops.push(
      v.kind === 'exact'
        ? { reason: 'exact_duplicate', source: c.id, detail: `same text as ${of}` }
        : { reason: 'near_duplicate', source: c.id, detail: `Jaccard ${v.similarity.toFixed(2)} with ${of}` },
    )
  })

  const passagesToAsk = kept.filter((c) => c.user === undefined)
  const extractor = createKeyPhraseExtractor(passagesToAsk.map((c) => c.assistant))
  const writer =
    options.chatModel === undefined
      ? createOfflineQuestionWriter()
      : createModelQuestionWriter(options.chatModel, { voice, ...(options.logger === undefined ? {} : { logger: options.logger }) })
  const written = await writeQuestions(
    passagesToAsk.map((c) => ({ passage: c.assistant, phrases: extractor.extract(c.assistant, 3) })),
    writer,
    {
      concurrency: options.concurrency ?? 4,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  )
  const questionOf = new Map<Candidate, string>()
  const fallbacks: Record<string, number> = {}
  let fromModel = 0
  passagesToAsk.forEach((c, i) => {
    const w = written[i]!
    questionOf.set(c, w.question)
    if (w.origin === 'model') fromModel++
    if (w.fallbackReason !== undefined) fallbacks[w.fallbackReason] = (fallbacks[w.fallbackReason] ?? 0) + 1
  })

  const counts = new Map<string, number>()
  for (const c of kept) counts.set(c.source, (counts.get(c.source) ?? 0) + 1)
  const split = splitBySource(counts, { seed, validationFraction })
  const line = (c: Candidate): string =>
    JSON.stringify({
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: c.user ?? questionOf.get(c) ?? '' },
        { role: 'assistant', content: c.assistant },
      ],
    })
  const trainLines = kept.filter((c) => split.train.has(c.source)).map(line)
  const validationLines = kept.filter((c) => split.validation.has(c.source)).map(line)
  const trainText = trainLines.length === 0 ? '' : `${trainLines.join('\n')}\n`
  const validationText = validationLines.length === 0 ? '' : `${validationLines.join('\n')}\n`

  const model = options.model ?? DEFAULT_MODEL
  const limit = options.maxTokensPerExample ?? DEFAULT_MAX_TOKENS_PER_EXAMPLE
  const check = validateJsonl(trainText, {
    model,
    maxTokensPerExample: limit,
    ...(options.pricePerMillion === undefined ? {} : { pricePerMillion: options.pricePerMillion }),
  })
  const checkValidation = validateJsonl(validationText, { model, maxTokensPerExample: limit })

  await fs.mkdir(options.outDir, { recursive: true })
  const outputs = {
    train: path.join(options.outDir, 'train.jsonl'),
    validation: path.join(options.outDir, 'validation.jsonl'),
    report: path.join(options.outDir, 'report.json'),
  }
  await fs.writeFile(outputs.train, trainText)
  await fs.writeFile(outputs.validation, validationText)

  const byReason: Record<string, number> = {}
  for (const d of drops) byReason[d.reason] = (byReason[d.reason] ?? 0) + 1
  const report: PrepareReport = {
    voice,
    promptVersion: writer.promptVersion,
    files: { read: samples.length, skipped: skips.length },
    passages: {
      segmented,
      duplicates,
      kept: passagesToAsk.length,
      words: passagesToAsk.reduce((s, c) => s + countWords(c.assistant), 0),
    },
    questions: { model: fromModel, offline: passagesToAsk.length - fromModel, fallbacks },
    pairs: { merged: kept.length - passagesToAsk.length, dropped: pairDrops },
    ...(selected === undefined ? {} : { speakers: selected.report }),
    examples: { train: trainLines.length, validation: validationLines.length },
    sources: { train: [...split.train].sort(), validation: [...split.validation].sort() },
    tokens: { model, encoding: check.encoding, train: check.tokens, validation: checkValidation.tokens },
    estimate: {
      epochs: check.estimate.epochs,
      billedTokens: check.estimate.billedTokens,
      ...(options.pricePerMillion === undefined ? {} : { pricePerMillion: options.pricePerMillion }),
      ...(check.estimate.cost === undefined ? {} : { cost: check.estimate.cost }),
    },
    validation: { ok: check.ok, errors: check.errors },
    drops: { byReason, items: drops },
    method: {
      segmentation,
      dedupe: `exact sha256 of normalised text; near: MinHash (128 hashes, ${SHINGLE_WORDS}-word shingles, LSH 32×4) verified by shingle Jaccard ≥ ${threshold}`,
      split: { by: 'source', seed, validationFraction },
    },
    datasetSha256: createHash('sha256').update(trainText).update('\u0000').update(validationText).digest('hex'),
    outputs,
  }
  await fs.writeFile(outputs.report, `${JSON.stringify(report, null, 2)}\n`)
  return report
}
