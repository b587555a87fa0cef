import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendError, startOpenAIEmulator, type EmulatorPlugin, type EmulatorState, type OpenAIEmulator } from './openai-emulator.js'

/**
 * Files and fine-tuning routes for the OpenAI emulator, as the `openai` SDK calls them. Jobs move through
 * the real state machine (validating_files → queued → running → succeeded | failed | cancelled) only when
 * the clock ticks: tests call `tick()`, or set `advanceOnPoll` so each GET of a job is one tick (a CLI that
 * polls then progresses with no sleeping anywhere). Events are listed newest first, as the API does.
 */

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface JobScript {
  readonly outcome?: 'succeeded' | 'failed'
  /** where a failing job stops; running by default */
  readonly failDuring?: 'validating_files' | 'running'
  readonly error?: { readonly code: string; readonly message: string; readonly param?: string | null }
  /** ticks spent in running, one metrics event each */
  readonly steps?: number
}

interface StoredFile {
  readonly object: { id: string; object: 'file'; bytes: number; created_at: number; filename: string; purpose: string; status: 'processed' }
  readonly lines: unknown[]
}

interface Hyper {
  n_epochs: number | 'auto'
  batch_size: number | 'auto'
  learning_rate_multiplier: number | 'auto'
}

interface EmulatedJob {
  readonly job: {
    id: string
    object: 'fine_tuning.job'
    created_at: number
    error: { code: string; message: string; param: string | null } | null
    fine_tuned_model: string | null
    finished_at: number | null
    hyperparameters: Hyper
    model: string
    organization_id: string
    result_files: string[]
    seed: number
    status: JobStatus
    trained_tokens: number | null
    training_file: string
    validation_file: string | null
    estimated_finish: number | null
    integrations: null
    metadata: null
    method: { type: 'supervised'; supervised: { hyperparameters: Hyper } }
    user_provided_suffix: string | null
  }
  readonly events: {
    id: string
    object: 'fine_tuning.job.event'
    created_at: number
    level: 'info' | 'warn' | 'error'
    message: string
    type: 'message' | 'metrics'
    data: unknown
  }[]
  readonly script: JobScript
  step: number
}

export interface FineTuneEmulator {
  readonly plugin: EmulatorPlugin
  readonly files: Map<string, StoredFile>
  readonly jobs: Map<string, EmulatedJob>
  /** false: job creation answers 403 the way an organisation without fine-tuning access sees it */
  available: boolean
  /** each GET /fine_tuning/jobs/:id advances that job one tick */
  advanceOnPoll: boolean
  /** the script for the next job created (queued, one per job; default: succeed after 3 steps) */
  scriptNext(script: JobScript): void
  /** advances every unfinished job by `n` ticks */
  tick(n?: number): void
  /** ticks until every job is terminal */
  drain(): void
}

const ORG = 'emulator-org'
const FINE_TUNABLE = [
  'gpt-4o-mini-2024-07-18',
  'gpt-4o-mini',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'gpt-4o-2024-08-06',
]
const TERMINAL: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled']

export function createFineTuneEmulator(options: { fineTunableModels?: string[] } = {}): FineTuneEmulator {
  const fineTunable = new Set(options.fineTunableModels ?? FINE_TUNABLE)
  const files = new Map<string, StoredFile>()
  const jobs = new Map<string, EmulatedJob>()
  const scripts: JobScript[] = []
  let now = 1_760_000_000
  let eventSeq = 0
  let state: EmulatorState | undefined

  const emit = (
    j: EmulatedJob,
    message: string,
    level: 'info' | 'warn' | 'error' = 'info',
    data: unknown = {},
    type: 'message' | 'metrics' = 'message',
  ): void => {
    j.events.push({
      id: `ftevent-${String(++eventSeq).padStart(8, '0')}${randomBytes(4).toString('hex')}`,
      object: 'fine_tuning.job.event',
      created_at: now,
      level,
      message,
      type,
      data,
    })
  }

  const fail = (j: EmulatedJob, error: { code: string; message: string; param?: string | null }): void => {
    j.job.status = 'failed'
    j.job.error = { code: error.code, message: error.message, param: error.param ?? null }
    j.job.finished_at = now
    j.job.estimated_finish = null
    emit(j, error.message, 'error')
  }

  const advance = (j: EmulatedJob): void => {
    if (TERMINAL.includes(j.job.status)) return
    now += 60
    const failing = j.script.outcome === 'failed'
    switch (j.job.status) {
      case 'validating_files': {
        const problem = checkTrainingFile(files.get(j.job.training_file))
        if (problem !== undefined)
          return fail(j, {
            code: 'invalid_training_file',
            message: `The job failed due to an invalid training file. ${problem}`,
            param: 'training_file',
          })
        if (failing && j.script.failDuring === 'validating_files') return fail(j, j.script.error ?? defaultFailure())
        j.job.status = 'queued'
        emit(j, 'Files validated, moving job to queued state')
        return
      }
      case 'queued': {
        j.job.status = 'running'
        const h = j.job.hyperparameters
        // The API resolves "auto" once training starts.
        if (h.n_epochs === 'auto') h.n_epochs = 3
        if (h.batch_size === 'auto') h.batch_size = 1
        if (h.learning_rate_multiplier === 'auto') h.learning_rate_multiplier = 1.8
        j.job.method.supervised.hyperparameters = { ...h }
        j.job.estimated_finish = now + 60 * (j.script.steps ?? 3)
        emit(j, 'Fine-tuning job started')
        return
      }
      case 'running': {
        const total = j.script.steps ?? 3
        if (j.step < total) {
          j.step++
          const loss = Math.round((2 / (1 + j.step)) * 1000) / 1000
          emit(
            j,
            `Step ${j.step}/${total}: training loss=${loss}`,
            'info',
            { step: j.step, total_steps: total, train_loss: loss },
            'metrics',
          )
          return
        }
        if (failing) return fail(j, j.script.error ?? defaultFailure())
        const suffix = j.job.user_provided_suffix ?? ''
        j.job.fine_tuned_model = `ft:${j.job.model}:${ORG}:${suffix}:${randomBytes(4).toString('hex')}`
        j.job.status = 'succeeded'
        j.job.finished_at = now
        j.job.estimated_finish = null
        j.job.trained_tokens = 1000 * total
        j.job.result_files = [`file-${randomBytes(12).toString('hex')}`]
        state?.models.add(j.job.fine_tuned_model)
        emit(j, `New fine-tuned model created: ${j.job.fine_tuned_model}`)
        emit(j, 'The job has successfully completed')
        return
      }
      default:
        return
    }
  }

  const plugin: EmulatorPlugin = (app: FastifyInstance, s: EmulatorState) => {
    state = s
    // Multipart arrives whole; the web FormData parser reads it so the emulator needs no extra plugin.
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))

    app.post('/v1/files', async (req, reply) => {
      const form = await new Response(req.body as Buffer, { headers: { 'content-type': String(req.headers['content-type']) } })
        .formData()
        .catch(() => undefined)
      const file = form?.get('file')
      const purpose = form?.get('purpose')
      if (form === undefined || !(file instanceof Blob)) return invalid(reply, "Missing required parameter: 'file'.", 'file')
      if (typeof purpose !== 'string' || purpose.length === 0) return invalid(reply, "Missing required parameter: 'purpose'.", 'purpose')
      const filename = file instanceof File ? file.name : 'upload'
      const text = await file.text()
      const lines: unknown[] = []
      if (purpose === 'fine-tune') {
        if (!filename.endsWith('.jsonl')) return invalid(reply, 'Invalid file format for Fine-Tuning API. Must be .jsonl', 'file')
        const raw = text.split('\n').filter((l) => l.trim().length > 0)
        for (const [i, line] of raw.entries()) {
          try {
            lines.push(JSON.parse(line))
          } catch {
            return invalid(reply, `Invalid file format for Fine-Tuning API. Line ${i + 1} is not valid JSON.`, 'file')
          }
        }
      }
      const id = `file-${randomBytes(12).toString('hex')}`
      const object = {
        id,
        object: 'file' as const,
        bytes: Buffer.byteLength(text),
        created_at: now,
        filename,
        purpose,
        status: 'processed' as const,
      }
      files.set(id, { object, lines })
      return object
    })

    app.get('/v1/files/:id', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const f = files.get(req.params.id)
      if (f === undefined)
        return sendError(reply, 404, {
          message: `No such File object: ${req.params.id}`,
          type: 'invalid_request_error',
          param: 'id',
          code: null,
        })
      return f.object
    })

    app.post('/v1/fine_tuning/jobs', async (req: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
      const body = req.body ?? {}
      if (!emu.available) {
        return sendError(reply, 403, {
          message: 'Fine-tuning is not available for your organization.',
          type: 'invalid_request_error',
          code: 'fine_tuning_not_available',
        })
      }
      const model = body.model
      if (typeof model !== 'string') return invalid(reply, "Missing required parameter: 'model'.", 'model')
      if (!fineTunable.has(model))
        return sendError(reply, 400, {
          message: `Model ${model} is not available for fine-tuning or does not exist.`,
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_available',
        })
      const checkFile = (param: 'training_file' | 'validation_file'): string | undefined => {
        const id = body[param]
        if (id === undefined || id === null) return param === 'training_file' ? "Missing required parameter: 'training_file'." : undefined
        const f = typeof id === 'string' ? files.get(id) : undefined
        if (f === undefined) return `invalid ${param}: ${JSON.stringify(id)}`
        if (f.object.purpose !== 'fine-tune')
          return `File ${f.object.id} has purpose '${f.object.purpose}'; fine-tuning needs purpose 'fine-tune'.`
        return undefined
      }
      for (const param of ['training_file', 'validation_file'] as const) {
        const problem = checkFile(param)
        if (problem !== undefined)
          return sendError(reply, 400, { message: problem, type: 'invalid_request_error', param, code: `invalid_${param}` })
      }
      const suffix = body.suffix
      if (suffix !== undefined && suffix !== null && (typeof suffix !== 'string' || suffix.length > 64))
        return invalid(reply, 'suffix must be a string of at most 64 characters.', 'suffix')
      const method = body.method as { type?: string; supervised?: { hyperparameters?: Partial<Hyper> } } | undefined
      if (method !== undefined && method.type !== 'supervised')
        return invalid(reply, `Unsupported method type: ${String(method.type)}. The emulator trains 'supervised' only.`, 'method.type')
      const given = method?.supervised?.hyperparameters ?? (body.hyperparameters as Partial<Hyper> | undefined) ?? {}
      const hyper: Hyper = {
        n_epochs: given.n_epochs ?? 'auto',
        batch_size: given.batch_size ?? 'auto',
        learning_rate_multiplier: given.learning_rate_multiplier ?? 'auto',
      }
      if (typeof hyper.n_epochs === 'number' && (!Number.isInteger(hyper.n_epochs) || hyper.n_epochs < 1 || hyper.n_epochs > 50)) {
        return invalid(reply, 'n_epochs must be an integer between 1 and 50, or "auto".', 'hyperparameters.n_epochs')
      }
      const id = `ftjob-${randomBytes(12).toString('hex')}`
      now += 1
      const j: EmulatedJob = {
        job: {
          id,
          object: 'fine_tuning.job',
          created_at: now,
          error: null,
          fine_tuned_model: null,
          finished_at: null,
          hyperparameters: hyper,
          model,
          organization_id: `org-${ORG}`,
          result_files: [],
          seed: typeof body.seed === 'number' ? body.seed : Math.floor(Math.random() * 2 ** 31),
          status: 'validating_files',
          trained_tokens: null,
          training_file: body.training_file as string,
          validation_file: typeof body.validation_file === 'string' ? body.validation_file : null,
          estimated_finish: null,
          integrations: null,
          metadata: null,
          method: { type: 'supervised', supervised: { hyperparameters: { ...hyper } } },
          user_provided_suffix: typeof suffix === 'string' ? suffix : null,
        },
        events: [],
        script: scripts.shift() ?? {},
        step: 0,
      }
      jobs.set(id, j)
      emit(j, `Created fine-tuning job: ${id}`)
      emit(
        j,
        `Validating training file: ${j.job.training_file}${j.job.validation_file === null ? '' : ` and validation file: ${j.job.validation_file}`}`,
      )
      return j.job
    })

    app.get('/v1/fine_tuning/jobs', async (req: FastifyRequest<{ Querystring: { after?: string; limit?: string } }>) => {
      const all = [...jobs.values()].map((j) => j.job).reverse()
      return page(all, req.query)
    })

    app.get('/v1/fine_tuning/jobs/:id', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const j = jobs.get(req.params.id)
      if (j === undefined) return notFound(reply, req.params.id)
      if (emu.advanceOnPoll) advance(j)
      return j.job
    })

    app.get(
      '/v1/fine_tuning/jobs/:id/events',
      async (req: FastifyRequest<{ Params: { id: string }; Querystring: { after?: string; limit?: string } }>, reply) => {
        const j = jobs.get(req.params.id)
        if (j === undefined) return notFound(reply, req.params.id)
        return page([...j.events].reverse(), req.query)
      },
    )

    app.post('/v1/fine_tuning/jobs/:id/cancel', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const j = jobs.get(req.params.id)
      if (j === undefined) return notFound(reply, req.params.id)
      if (TERMINAL.includes(j.job.status))
        return invalid(reply, `Job has already ${j.job.status === 'succeeded' ? 'completed' : j.job.status}: ${j.job.id}`, null)
      now += 1
      j.job.status = 'cancelled'
      j.job.finished_at = now
      j.job.estimated_finish = null
      emit(j, 'Fine-tuning job cancelled')
      return j.job
    })
  }

  const emu: FineTuneEmulator = {
    plugin,
    files,
    jobs,
    available: true,
    advanceOnPoll: false,
    scriptNext: (script) => void scripts.push(script),
    tick(n = 1) {
      for (let i = 0; i < n; i++) for (const j of jobs.values()) advance(j)
    },
    drain() {
      // Bounded: every script finishes within a few dozen ticks.
      for (let i = 0; i < 1000 && [...jobs.values()].some((j) => !TERMINAL.includes(j.job.status)); i++) emu.tick()
    },
  }
  return emu
}

/** Structural checks the API runs while validating_files; JSON syntax was already checked on upload. */
function checkTrainingFile(file: StoredFile | undefined): string | undefined {
  if (file === undefined) return 'Training file not found.'
  for (const [i, line] of file.lines.entries()) {
    const messages = (line as { messages?: unknown } | null)?.messages
    if (!Array.isArray(messages)) return `Example ${i + 1}: missing 'messages' list.`
    if (!messages.some((m: { role?: unknown }) => m?.role === 'assistant')) return `Example ${i + 1}: no assistant message.`
  }
  if (file.lines.length < 10) return `Training file has ${file.lines.length} example(s), but it must have at least 10 examples.`
  return undefined
}

function page<T extends { id: string }>(
  items: T[],
  query: { after?: string; limit?: string },
): { object: 'list'; data: T[]; has_more: boolean } {
  const limit = Math.min(100, Math.max(1, Number(query.limit ?? 20) || 20))
  const start = query.after === undefined ? 0 : items.findIndex((x) => x.id === query.after) + 1
  const data = items.slice(start, start + limit)
  return { object: 'list', data, has_more: start + limit < items.length }
}

function defaultFailure(): { code: string; message: string } {
  return { code: 'server_error', message: 'The job failed due to an internal error.' }
}

function invalid(reply: FastifyReply, message: string, param: string | null): FastifyReply {
  return sendError(reply, 400, { message, type: 'invalid_request_error', param, code: null })
}

function notFound(reply: FastifyReply, id: string): FastifyReply {
  return sendError(reply, 404, {
    message: `Could not find fine tune: ${id}`,
    type: 'invalid_request_error',
    param: 'fine_tune_id',
    code: 'fine_tune_not_found',
  })
}

/** The OpenAI emulator (API key `sk-test`) with fine-tuning: `emu` serves the API, `ft` drives its jobs. */
export async function startFineTuneEmulator(): Promise<{ emu: OpenAIEmulator; ft: FineTuneEmulator }> {
  const ft = createFineTuneEmulator()
  return { ft, emu: await startOpenAIEmulator({ apiKey: 'sk-test', plugins: [ft.plugin] }) }
}
