import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FineTuneService } from '../../core/finetune.js'
import { FINE_TUNE_STATUSES } from '../../core/finetune.js'

const ErrorReply = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }), requestId: Type.String() })
const errors = { '4xx': ErrorReply, '5xx': ErrorReply } as const
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

/** `:id` of a fine-tuning job (ids are ours or the provider's, up to 128 characters). */
const JobIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) })

const FineTuneJobSchema = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  baseModel: Type.String(),
  status: Type.Union(FINE_TUNE_STATUSES.map((s) => Type.Literal(s))),
  fineTunedModel: Nullable(Type.String()),
  voiceName: Nullable(Type.String()),
  trainingFileId: Type.String(),
  validationFileId: Nullable(Type.String()),
  suffix: Nullable(Type.String()),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  trainedTokens: Nullable(Type.Integer()),
  datasetHash: Nullable(Type.String()),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  updatedAt: Type.String(),
})

const StartBody = Type.Object(
  {
    baseModel: Type.String({ minLength: 1, maxLength: 200, description: 'a fine-tunable base model, e.g. gpt-4o-mini-2024-07-18' }),
    training: Type.String({ minLength: 1, description: 'chat fine-tuning JSONL (the train.jsonl `finetune prepare` writes)' }),
    validation: Type.Optional(Type.String({ minLength: 1, description: 'validation JSONL' })),
    name: Type.Optional(
      Type.String({ pattern: '^[\\w.:-]{1,128}$', description: 'registry id of the tuned voice (default: the tuned model name)' }),
    ),
    suffix: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    learningRateMultiplier: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
)

export interface FineTuneRoutesOptions {
  readonly finetunes: FineTuneService
  /** training sets are sent inline; allow more than the default JSON body limit */
  readonly maxBodyBytes?: number
}

const encoder = new TextEncoder()

/**
 * Fine-tunes and activation over HTTP, admin scope (auth.ts applies it by URL prefix). POST answers 202
 * once the provider has accepted the job; GET refreshes an unfinished job from the provider, and a
 * succeeded job's model is in the registry by the time GET reports it.
 */
export const finetuneRoutes: FastifyPluginAsyncTypebox<FineTuneRoutesOptions> = async (app, { finetunes, maxBodyBytes }) => {
  app.post(
    '/v1/finetunes',
    {
      bodyLimit: maxBodyBytes ?? 64 * 1024 * 1024,
      schema: {
        summary: 'Start a fine-tuning job on a chat JSONL dataset',
        body: StartBody,
        response: { 202: FineTuneJobSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body
      const job = await finetunes.start({
        baseModel: b.baseModel,
        training: { name: 'train.jsonl', content: encoder.encode(b.training) },
        ...(b.validation === undefined ? {} : { validation: { name: 'validation.jsonl', content: encoder.encode(b.validation) } }),
        ...(b.name === undefined ? {} : { name: b.name }),
        ...(b.suffix === undefined ? {} : { suffix: b.suffix }),
        ...(b.epochs === undefined ? {} : { epochs: b.epochs }),
        ...(b.batchSize === undefined ? {} : { batchSize: b.batchSize }),
        ...(b.learningRateMultiplier === undefined ? {} : { learningRateMultiplier: b.learningRateMultiplier }),
        ...(b.seed === undefined ? {} : { seed: b.seed }),
      })
      req.log.info({ jobId: job.id, baseModel: job.baseModel }, 'fine-tuning job started')
      return reply.status(202).header('location', `/v1/finetunes/${job.id}`).send(job)
    },
  )

  app.get(
    '/v1/finetunes',
    {
      schema: {
        summary: 'List fine-tuning jobs, newest first',
        response: { 200: Type.Object({ finetunes: Type.Array(FineTuneJobSchema) }), ...errors },
      },
    },
    async () => ({ finetunes: await finetunes.list() }),
  )

  app.get(
    '/v1/finetunes/:id',
    {
      schema: {
        summary: 'A fine-tuning job, refreshed from its provider while unfinished',
        params: JobIdParams,
        response: { 200: FineTuneJobSchema, ...errors },
      },
    },
    async (req) => finetunes.get(req.params.id),
  )

  app.post(
    '/v1/finetunes/:id/cancel',
    {
      schema: {
        summary: 'Cancel an unfinished fine-tuning job',
        params: JobIdParams,
        response: { 200: FineTuneJobSchema, ...errors },
      },
    },
    async (req) => finetunes.cancel(req.params.id),
  )

  app.post(
    '/v1/models/:id/activate',
    {
      schema: {
        summary: 'Make a registered voice the active one (from the next request on)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }),
        body: Type.Optional(Type.Object({ force: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
        response: { 200: Type.Object({ id: Type.String(), active: Type.Boolean() }), ...errors },
      },
    },
    async (req) => finetunes.activate(req.params.id, { force: req.body?.force === true }),
  )
}
