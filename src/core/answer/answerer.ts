import type { Logger } from '../../logger.js'
import type { StatementFact } from '../facts/statement-facts.js'
import type { ChatMessage, ChatModel, ChatUsage } from '../models.js'
import type { Retrieval, RetrievedSource, Retriever } from '../retrieval/retriever.js'
import type { AnswerEvent, AnswerResult, AskOptions } from './answer-result.js'
import { assembleContext, escapeData, factText, numberSources, renderSources, toCitation, type NumberedSource } from './context.js'
import { extractiveAnswer } from './extractive.js'
import { asksForMetric, computedAnswer } from './computed-answer.js'
import { checkFacts } from './fact-lock.js'
import { createCitationRenumbering, createCitationStream } from './citation-markers.js'
import { loadPrompt } from './prompt-library.js'
import { countTokens, prefixWithinTokens } from '../ingest/tokenizer.js'
import { condenseQuestion } from './condense.js'
import type { VoiceResolver, VoiceSelection } from './voice.js'
import { AppError } from '../../errors.js'
import { CacheRegistry } from '../bounded-cache.js'
import { SameObjectMemo } from '../documents.js'
import { createAnswerCaches, type AnswerCaches } from './answer-caches.js'

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
  /** a document's statement facts (the corpus's `facts`), for metrics computed in extractive mode */
  readonly facts?: ((documentId: string) => Promise<StatementFact[]>) | undefined
  /** where its caches are created (prepared pages, snippets, fact texts…); a private registry when absent */
  readonly caches?: CacheRegistry
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
  /**
   * A chat frontend's housekeeping task (a title, tags, follow-up suggestions for the conversation):
   * the messages go to the model as they are, with no retrieval and no sources. With no model the
   * answer is empty.
   */
  relayStream(
    messages: readonly ChatMessage[],
    options?: Pick<AskOptions, 'voice' | 'signal'>,
  ): AsyncGenerator<AnswerEvent, void, undefined>
}

const EXTRACTIVE_PROMPT = 'extractive@1'
/** the answer to small talk and to questions about companies the store does not hold, written without a model */
const NOTICE_PROMPT = 'notice-extractive@1'
/** held-document lines named in a notice; the rest are counted */
const HELD_LINES = 12

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
  readonly instructions: string | undefined
}

export function createAnswerer(deps: AnswererDeps): Answerer {
  const opts = deps.options ?? {}
  const answerPrompt = loadPrompt('answer', 2, opts.promptsDir)
  const noticePrompt = loadPrompt('notice', 1, opts.promptsDir)
  const condensePrompt = loadPrompt('condense', 1, opts.promptsDir)
  const caches = createAnswerCaches(deps.caches ?? new CacheRegistry())

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
    const chat =
      voice.model === undefined ? undefined : voice.endpoint !== undefined && deps.chatFor ? deps.chatFor(voice.endpoint) : deps.chat
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
    return {
      started,
      question: standalone,
      voice,
      chat,
      sources: retrieval.sources,
      retrieval,
      retrievalMs: performance.now() - t,
      condenseMs,
      instructions: o.instructions,
    }
  }

  // An extractive answer is a function of the question and its sources alone; a retrieval served from
  // the retrieval cache is the same object for the same question (the same-object rule, see ChunkRecord),
  // so its answer is worked out once.
  const extracted = new SameObjectMemo<
    Retrieval,
    Pick<AnswerResult, 'answer' | 'citations' | 'unsupportedNumbers' | 'checks' | 'removedCitations'>
  >()

  /** A metric the question asks for, computed from the statement facts of the cited pages (see computedAnswer). */
  async function computed(question: string, numbered: readonly NumberedSource[]): Promise<string | undefined> {
    if (deps.facts === undefined || !asksForMetric(question)) return undefined
    const ids = [...new Set(numbered.map((s) => s.source.documentId))]
    const facts = await Promise.all(ids.map(async (documentId) => ({ documentId, facts: (await deps.facts?.(documentId)) ?? [] })))
    return computedAnswer(question, facts, numbered)?.text
  }

  async function extractive(p: Prepared): Promise<AnswerResult> {
    let core = extracted.peek(p.retrieval)
    if (core === undefined) {
      const numbered = numberSources(p.sources)
      const ex = extractiveBySide(p.question, numbered, p.retrieval.intent?.sides, caches)
      const metric = await computed(p.question, numbered)
      const text =
        metric === undefined
          ? ex.answer
          : `${metric}
${ex.answer}`
      const checked = checkFacts(
        text,
        numbered.map((s) => ({ n: s.n, text: factText(s, caches) })),
        { question: p.question, caches },
      )
      const unheld = p.retrieval.intent?.kind === 'comparison' ? (p.retrieval.intent.missing ?? []) : []
      const cited = renumbered(checked.answer, checked.cited, numbered, caches)
      core = {
        ...cited,
        answer: unheld.length === 0 ? cited.answer : `The indexed documents do not cover ${unheld.join(', ')}.\n\n${cited.answer}`,
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

  // The context given to the model is a function of the sources alone (the budget is fixed): sources
  // served from the retrieval cache are the same array for the same question (the same-object rule, see
  // ChunkRecord), so their token counts and rendering are worked out once, not per request.
  const contexts = new SameObjectMemo<readonly RetrievedSource[], { numbered: readonly NumberedSource[]; rendered: string }>()
  const contextOf = (sources: readonly RetrievedSource[]): { numbered: readonly NumberedSource[]; rendered: string } =>
    contexts.get(sources, () => {
      const numbered = assembleContext(sources, {
        maxTokens: opts.contextTokens ?? 6000,
        countTokens,
        // Counting and cutting are the one exact o200k tokenizer shared with chunking (the tokenizer of
        // current OpenAI chat models, close enough for other models' budgets); a cut needs no encoder of
        // token ids: it falls where decoding the first maxTokens tokens would end. At most one source is
        // cut per context, and a context is assembled once per sources array.
        truncate: prefixWithinTokens,
      })
      return { numbered, rendered: renderSources(numbered) }
    })

  function messagesFor(p: Prepared): { numbered: readonly NumberedSource[]; messages: ChatMessage[] } {
    const { numbered, rendered } = contextOf(p.sources)
    const exemplars =
      p.voice.exemplars.length === 0
        ? ''
        : `\n<style_exemplars>\n${p.voice.exemplars.map((e) => `<exemplar>\n${escapeData(e)}\n</exemplar>`).join('\n')}\n</style_exemplars>\n`
    const unheld = p.retrieval.intent?.kind === 'comparison' ? (p.retrieval.intent.missing ?? []) : []
    // a side the store does not hold is stated to the model, which must say so rather than guess
    const question =
      unheld.length === 0 ? p.question : `${p.question}\n(The documents do not cover ${unheld.join(', ')}: say so for that side.)`
    const messages = answerPrompt.render({
      sources: rendered,
      exemplars,
      question,
      client_instructions: clientInstructions(p.instructions),
    })
    return { numbered, messages }
  }

  function finish(
    p: Prepared,
    numbered: readonly NumberedSource[],
    text: string,
    model: string,
    usage: ChatUsage | undefined,
    modelMs: number,
  ): AnswerResult {
    const checked = checkFacts(
      text,
      numbered.map((s) => ({ n: s.n, text: factText(s, caches) })),
      { question: p.question, caches },
    )
    if (checked.removedCitations.length > 0 || checked.unsupportedNumbers.length > 0) {
      deps.logger.info(
        { model, removedCitations: checked.removedCitations, unsupportedNumbers: checked.unsupportedNumbers.length },
        'fact-lock flagged the answer',
      )
    }
    const { answer, citations } = renumbered(checked.answer, checked.cited, numbered, caches)
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

  function request(p: Pick<Prepared, 'voice'>, messages: ChatMessage[], signal: AbortSignal | undefined) {
    return {
      messages,
      ...(p.voice.model === undefined ? {} : { model: p.voice.model }),
      ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
      ...(opts.maxAnswerTokens === undefined ? {} : { maxTokens: opts.maxAnswerTokens }),
      ...(signal === undefined ? {} : { signal }),
    }
  }

  function isNotice(p: Prepared): boolean {
    const kind = p.retrieval.intent?.kind
    return kind === 'off-corpus' || kind === 'small-talk'
  }

  /** Small talk and questions about what the store does not hold: what it holds, no sources. */
  async function* notice(p: Prepared, signal: AbortSignal | undefined): AsyncGenerator<AnswerEvent, void, undefined> {
    const intent = p.retrieval.intent
    const held = intent?.held ?? []
    const missing = intent?.missing ?? []
    if (p.chat === undefined) {
      const answer = noticeText(intent?.kind === 'off-corpus' ? missing : undefined, held)
      yield { type: 'token', text: answer }
      yield { type: 'final', result: plain(p, answer, 'extractive', null, NOTICE_PROMPT, undefined, 0) }
      return
    }
    const messages = noticePrompt.render({
      held: held.join('\n'),
      missing: missing.length === 0 ? '(nothing named)' : missing.join(', '),
      question: p.question,
      client_instructions: clientInstructions(p.instructions),
    })
    yield* streamed(p, p.chat, messages, signal, (text, model, usage, ms) =>
      plain(p, text, 'generated', model, noticePrompt.ref, usage, ms),
    )
  }

  /** Model text streamed as tokens, then a final result built by `done`. */
  async function* streamed(
    p: Pick<Prepared, 'voice'>,
    chat: ChatModel,
    messages: ChatMessage[],
    signal: AbortSignal | undefined,
    done: (text: string, model: string, usage: ChatUsage | undefined, ms: number) => AnswerResult,
  ): AsyncGenerator<AnswerEvent, void, undefined> {
    const t = performance.now()
    let end: { model: string; usage: ChatUsage | undefined } = { model: p.voice.model ?? chat.model, usage: undefined }
    let text = ''
    for await (const delta of chat.stream(request(p, messages, signal), (r) => (end = { model: r.model, usage: r.usage }))) {
      text += delta
      yield { type: 'token', text: delta }
    }
    yield { type: 'final', result: done(text, end.model, end.usage, performance.now() - t) }
  }

  /** An answer with no sources and nothing to fact-check. */
  function plain(
    p: Pick<Prepared, 'voice' | 'started' | 'retrievalMs' | 'condenseMs'>,
    answer: string,
    mode: AnswerResult['mode'],
    model: string | null,
    prompt: string,
    usage: ChatUsage | undefined,
    modelMs: number,
  ): AnswerResult {
    return {
      answer: answer.trim(),
      mode,
      citations: [],
      unsupportedNumbers: [],
      checks: [],
      removedCitations: [],
      model,
      voice: p.voice.voiceId,
      prompt,
      usage: usage === undefined ? null : { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens },
      timings: timings(p, p.condenseMs + modelMs),
    }
  }

  return {
    async *relayStream(messages, o = {}) {
      const started = performance.now()
      const voice = await deps.voices.resolve(o.voice, messages.at(-1)?.content ?? '')
      const chat =
        voice.model === undefined ? undefined : voice.endpoint !== undefined && deps.chatFor ? deps.chatFor(voice.endpoint) : deps.chat
      const base = { voice, started, retrievalMs: 0, condenseMs: 0 }
      if (chat === undefined) {
        yield { type: 'final', result: plain(base, '', 'extractive', null, 'relay@1', undefined, 0) }
        return
      }
      yield* streamed(base, chat, [...messages], o.signal, (text, model, usage, ms) =>
        plain(base, text, 'generated', model, 'relay@1', usage, ms),
      )
    },

    async ask(question, o = {}) {
      const p = await prepare(question, o)
      if (isNotice(p)) {
        let result: AnswerResult | undefined
        for await (const e of notice(p, o.signal)) if (e.type === 'final') result = e.result
        if (result !== undefined) return result
      }
      if (p.chat === undefined || p.sources.length === 0) return await extractive(p)
      const { numbered, messages } = messagesFor(p)
      const t = performance.now()
      const res = await p.chat.complete(request(p, messages, o.signal))
      return finish(p, numbered, res.text, res.model, res.usage, performance.now() - t)
    },

    async *askStream(question, o = {}) {
      const p = await prepare(question, o)
      if (isNotice(p)) {
        yield* notice(p, o.signal)
        return
      }
      if (p.chat === undefined || p.sources.length === 0) {
        const result = await extractive(p)
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
function renumbered(answer: string, cited: readonly number[], numbered: readonly NumberedSource[], caches: AnswerCaches) {
  const renumbering = createCitationRenumbering(new Set(cited))
  const text = renumbering.rewrite(answer)
  const citations = renumbering.order.flatMap((n, i) => {
    const s = numbered.find((x) => x.n === n)
    return s === undefined ? [] : [{ ...toCitation(s, undefined, caches), n: i + 1 }]
  })
  return { answer: text, citations }
}

/** The client's system message as the prompt's last block, below the fact rules; empty when there is none. */
function clientInstructions(instructions: string | undefined): string {
  const text = instructions?.trim() ?? ''
  return text === '' ? '' : `\n\n<client_instructions>\n${escapeData(text)}\n</client_instructions>`
}

/** What an answer without a model says when no document is searched. */
export function noticeText(missing: readonly string[] | undefined, held: readonly string[]): string {
  const shown = held.slice(0, HELD_LINES).map((h) => `- ${h}`)
  if (held.length > HELD_LINES) shown.push(`- and ${held.length - HELD_LINES} more`)
  const list = shown.length === 0 ? 'No documents are indexed yet.' : `The indexed documents cover:\n${shown.join('\n')}`
  if (missing === undefined) {
    return `I answer questions about the indexed company documents, quoting the pages I use. ${list}`
  }
  return `The indexed documents do not cover ${missing.join(', ')}. ${shown.length === 0 ? list : `Closest held: ${list.replace('The indexed documents cover:', '').trim()}`}`
}

/**
 * Extractive answer for a comparison: each side's best sentences from its own sources, under the
 * side's name, so the rows stand side by side.
 */
function extractiveBySide(
  question: string,
  numbered: readonly NumberedSource[],
  sides: readonly string[] | undefined,
  caches: AnswerCaches,
) {
  if (sides === undefined || sides.length < 2) return extractiveAnswer(question, numbered, { caches })
  const parts = sides.map((side) => ({
    side,
    ex: extractiveAnswer(
      question,
      numbered.filter((s) => s.source.side === side),
      { maxSentences: 2, caches },
    ),
  }))
  return {
    answer: parts
      .map(({ side, ex }) => `${side}:\n${ex.cited.length === 0 ? 'no matching passage in its documents' : ex.answer}`)
      .join('\n\n'),
    cited: parts.flatMap(({ ex }) => ex.cited),
  }
}

function timings(p: Pick<Prepared, 'started' | 'retrievalMs'>, modelMs: number) {
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
