import type { Logger } from '../../logger.js'
import type { ChatMessage, ChatModel, ChatUsage } from '../models.js'
import type { Retrieval, RetrievedSource, Retriever } from '../retrieval/retriever.js'
import type { AnswerEvent, AnswerResult, AskOptions } from './answer-result.js'
import { assembleContext, escapeData, factText, numberSources, renderSources, toCitation, type NumberedSource } from './context.js'
import { extractiveAnswer } from './extractive.js'
import { checkFacts } from './fact-lock.js'
import { createCitationRenumbering, createCitationStream } from './citation-markers.js'
import { loadPrompt } from './prompt-library.js'
import { countTokens, truncateToTokens, warmTokenizer } from './token-counter.js'
import { condenseQuestion } from './condense.js'
import type { VoiceResolver, VoiceSelection } from './voice.js'
import { AppError } from '../../errors.js'

/**
 * The answer pipeline: condense → voice → retrieve → context → model → fact-lock. With no chat model
 * selected it answers extractively instead of failing. `ask` and `askStream` share every step but the
 * model call, so HTTP JSON, SSE, chat completions and the CLI give the same answers.
 */
export interface AnswererDeps {
  readonly retriever: Retriever
  /** the default endpoint's chat model; absent when none is configured */
  readonly chat?: ChatModel | undefined
  /** chat model for a voice served at another endpoint (a registered LoRA adapter) */
  readonly chatFor?: ((endpoint: { readonly baseURL: string; readonly apiKey?: string }) => ChatModel) | undefined
  readonly voices: VoiceResolver
  readonly logger: Pick<Logger, 'debug' | 'info' | 'warn'>
  readonly options?: AnswererOptions
}

export interface AnswererOptions {
  /** sources retrieved per question (default 8) */
  readonly topK?: number
  /** tokens of source text given to the model (default 6000) */
  readonly contextTokens?: number
  readonly maxAnswerTokens?: number
  readonly temperature?: number
  readonly promptsDir?: string
}

export interface Answerer {
  ask(question: string, options?: AskOptions): Promise<AnswerResult>
  askStream(question: string, options?: AskOptions): AsyncGenerator<AnswerEvent, void, undefined>
}

const EXTRACTIVE_PROMPT = 'extractive@1'

interface Prepared {
  readonly started: number
  readonly question: string
  readonly voice: VoiceSelection
  readonly chat: ChatModel | undefined
  readonly sources: readonly RetrievedSource[]
  /** the retrieval itself: a cached one comes back as the same object, and so can its extractive answer */
  readonly retrieval: Retrieval
  readonly retrievalMs: number
  readonly condenseMs: number
}

export function createAnswerer(deps: AnswererDeps): Answerer {
  const opts = deps.options ?? {}
  const answerPrompt = loadPrompt('answer', 1, opts.promptsDir)
  const condensePrompt = loadPrompt('condense', 1, opts.promptsDir)
  // Only generated answers need a token budget; pay for the encoder at start-up, not on a first question.
  if (deps.chat !== undefined) warmTokenizer()

  async function prepare(question: string, o: AskOptions): Promise<Prepared> {
    const started = performance.now()
    const history = o.history ?? []
    let standalone = question
    let condenseMs = 0
    // The default chat model condenses even when a voice answers: it is a rewrite, not the answer.
    if (history.length > 0) {
      const t = performance.now()
      standalone = await condenseQuestion(question, history, deps.chat, condensePrompt, o.signal)
      condenseMs = performance.now() - t
    }
    const voice = await deps.voices.resolve(o.voice, standalone)
    const chat = voice.model === undefined ? undefined : voice.endpoint !== undefined && deps.chatFor ? deps.chatFor(voice.endpoint) : deps.chat
    if (voice.model !== undefined && chat === undefined) {
      deps.logger.warn({ model: voice.model }, 'voice selects a model but no chat endpoint is configured; answering extractively')
    }
    const collections = voiceCollections(o.collections, voice)
    const t = performance.now()
    const retrieval = await deps.retriever.retrieve(standalone, {
      topK: o.topK ?? opts.topK ?? 8,
      ...(o.filter === undefined ? {} : { filter: o.filter }),
      ...(collections === undefined ? {} : { collections }),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    })
    return { started, question: standalone, voice, chat, sources: retrieval.sources, retrieval, retrievalMs: performance.now() - t, condenseMs }
  }

  // An extractive answer is a function of the question and its sources alone; a retrieval served from
  // the retrieval cache is the same object for the same question, so its answer is worked out once.
  const extracted = new WeakMap<Retrieval, Pick<AnswerResult, 'answer' | 'citations' | 'unsupportedNumbers' | 'checks' | 'removedCitations'>>()

  function extractive(p: Prepared): AnswerResult {
    let core = extracted.get(p.retrieval)
    if (core === undefined) {
      const numbered = numberSources(p.sources)
      const ex = extractiveAnswer(p.question, numbered)
      const checked = checkFacts(ex.answer, numbered.map((s) => ({ n: s.n, text: factText(s) })), { question: p.question })
      core = {
        ...renumbered(checked.answer, checked.cited, numbered),
        unsupportedNumbers: checked.unsupportedNumbers,
        checks: checked.checks,
        removedCitations: checked.removedCitations,
      }
      extracted.set(p.retrieval, core)
    }
    return {
      answer: core.answer,
      mode: 'extractive',
      citations: core.citations,
      unsupportedNumbers: core.unsupportedNumbers,
      checks: core.checks,
      removedCitations: core.removedCitations,
      model: null,
      voice: p.voice.voiceId,
      prompt: EXTRACTIVE_PROMPT,
      usage: null,
      timings: timings(p, p.condenseMs),
    }
  }

  function messagesFor(p: Prepared): { numbered: NumberedSource[]; messages: ChatMessage[] } {
    const numbered = assembleContext(p.sources, { maxTokens: opts.contextTokens ?? 6000, countTokens, truncate: truncateToTokens })
    const exemplars =
      p.voice.exemplars.length === 0
        ? ''
        : `\n<style_exemplars>\n${p.voice.exemplars.map((e) => `<exemplar>\n${escapeData(e)}\n</exemplar>`).join('\n')}\n</style_exemplars>\n`
    const messages = answerPrompt.render({ sources: renderSources(numbered), exemplars, question: p.question })
    return { numbered, messages }
  }

  function finish(p: Prepared, numbered: readonly NumberedSource[], text: string, model: string, usage: ChatUsage | undefined, modelMs: number): AnswerResult {
    const checked = checkFacts(text, numbered.map((s) => ({ n: s.n, text: factText(s) })), { question: p.question })
    if (checked.removedCitations.length > 0 || checked.unsupportedNumbers.length > 0) {
      deps.logger.info(
        { model, removedCitations: checked.removedCitations, unsupportedNumbers: checked.unsupportedNumbers.length },
        'fact-lock flagged the answer',
      )
    }
    const { answer, citations } = renumbered(checked.answer, checked.cited, numbered)
    return {
      answer: answer.trim(),
      mode: 'generated',
      citations,
      unsupportedNumbers: checked.unsupportedNumbers,
      checks: checked.checks,
      removedCitations: checked.removedCitations,
      model,
      voice: p.voice.voiceId,
      prompt: answerPrompt.ref,
      usage: usage === undefined ? null : { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens },
      timings: timings(p, p.condenseMs + modelMs),
    }
  }

  function request(p: Prepared, messages: ChatMessage[], signal: AbortSignal | undefined) {
    return {
      messages,
      ...(p.voice.model === undefined ? {} : { model: p.voice.model }),
      ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
      ...(opts.maxAnswerTokens === undefined ? {} : { maxTokens: opts.maxAnswerTokens }),
      ...(signal === undefined ? {} : { signal }),
    }
  }

  return {
    async ask(question, o = {}) {
      const p = await prepare(question, o)
      if (p.chat === undefined || p.sources.length === 0) return extractive(p)
      const { numbered, messages } = messagesFor(p)
      const t = performance.now()
      const res = await p.chat.complete(request(p, messages, o.signal))
      return finish(p, numbered, res.text, res.model, res.usage, performance.now() - t)
    },

    async *askStream(question, o = {}) {
      const p = await prepare(question, o)
      if (p.chat === undefined || p.sources.length === 0) {
        const result = extractive(p)
        yield { type: 'token', text: result.answer }
        yield { type: 'final', result }
        return
      }
      const { numbered, messages } = messagesFor(p)
      const t = performance.now()
      let done: { model: string; usage: ChatUsage | undefined } = { model: p.voice.model ?? p.chat.model, usage: undefined }
      let text = ''
      // Tokens carry the same renumbered markers as the final answer.
      const markers = createCitationStream(new Set(numbered.map((s) => s.n)))
      for await (const delta of p.chat.stream(request(p, messages, o.signal), (r) => (done = { model: r.model, usage: r.usage }))) {
        text += delta
        const out = markers.push(delta)
        if (out !== '') yield { type: 'token', text: out }
      }
      const tail = markers.flush()
      if (tail !== '') yield { type: 'token', text: tail }
      yield { type: 'final', result: finish(p, numbered, text, done.model, done.usage, performance.now() - t) }
    },
  }
}

/** The checked answer with its sources numbered 1..n in order of first use, and their citations in that order. */
function renumbered(answer: string, cited: readonly number[], numbered: readonly NumberedSource[]) {
  const renumbering = createCitationRenumbering(new Set(cited))
  const text = renumbering.rewrite(answer)
  const citations = renumbering.order.flatMap((n, i) => {
    const s = numbered.find((x) => x.n === n)
    return s === undefined ? [] : [{ ...toCitation(s), n: i + 1 }]
  })
  return { answer: text, citations }
}

function timings(p: Prepared, modelMs: number) {
  return { retrievalMs: round(p.retrievalMs), modelMs: round(modelMs), totalMs: round(performance.now() - p.started) }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}


/**
 * A voice bound to a collection answers from it, when the caller may see it; to a caller who may not, the
 * voice does not exist (as in GET /v1/models).
 */
function voiceCollections(allowed: readonly string[] | undefined, voice: VoiceSelection): readonly string[] | undefined {
  const bound = voice.collection
  if (bound === undefined) return allowed
  if (allowed !== undefined && !allowed.includes(bound)) {
    throw new AppError('unknown_model', `no voice or model named "${voice.voiceId ?? ''}"; GET /v1/models lists them`, { status: 404 })
  }
  return [bound]
}
