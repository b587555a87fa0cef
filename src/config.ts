import path from 'node:path'
import { z } from 'zod'
import { parseCacheLimits, type CacheName } from './core/cache-limits.js'

/**
 * One validated, read-only configuration for the server and every CLI. Only entry points call
 * `loadConfig(process.env)`; everything below receives its slice. Errors name the variable, never its value.
 */
const boolish = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

const positiveInt = z.coerce.number().int().positive()

const EnvSchema = z.object({
  RAGTUNE_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  RAGTUNE_CHAT_MODEL: z.string().min(1).optional(),
  RAGTUNE_EMBEDDING_MODEL: z.string().min(1).optional(),
  RAGTUNE_EMBEDDING_DIMENSIONS: positiveInt.optional(),
  RAGTUNE_MODEL_TIMEOUT_MS: positiveInt.default(60_000),
  RAGTUNE_MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  // one answer's overall deadline, model retries and retry-after waits included (504 / SSE error after it)
  RAGTUNE_ANSWER_TIMEOUT_MS: positiveInt.default(120_000),

  RAGTUNE_VECTOR_STORE: z.enum(['sqlite', 'pinecone']).default('sqlite'),
  PINECONE_API_KEY: z.string().min(1).optional(),
  PINECONE_INDEX: z.string().min(1).optional(),
  PINECONE_NAMESPACE: z.string().min(1).default('default'),
  PINECONE_CONTROLLER_HOST: z.url().optional(),
  DATABASE_URL: z.string().min(1).optional(),

  RAGTUNE_MAX_FILE_MB: z.coerce.number().positive().default(100),
  RAGTUNE_MAX_PAGES: positiveInt.default(2000),
  // one upload request, all its files (default: twice RAGTUNE_MAX_FILE_MB); refused by content-length
  RAGTUNE_MAX_UPLOAD_MB: z.coerce.number().positive().optional(),
  RAGTUNE_INGEST_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  // ArrayBuffer memory one parse may use (inflated PDF streams, images) before the file fails
  RAGTUNE_PARSE_MEMORY_MB: positiveInt.default(512),
  // inline: the API ingests uploads itself; queue: it stores them and `ragtune worker` processes ingest them
  RAGTUNE_INGEST_MODE: z.enum(['inline', 'queue']).default('inline'),
  RAGTUNE_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  RAGTUNE_BODY_LIMIT_KB: positiveInt.default(1024),
  // retrievals remembered per corpus state (0: off)
  RAGTUNE_RETRIEVAL_CACHE: z.coerce.number().int().min(0).optional(),
  // entry limits of the in-memory caches by name, e.g. "answer.pages=2048,retrieval.statements=0" (see src/core/cache-limits.ts)
  RAGTUNE_CACHE_LIMITS: z.string().optional(),
  // token instances the in-memory keyword index may hold (SQLite store); unset: the store's default, 0: off
  RAGTUNE_KEYWORD_INDEX_MAX_INSTANCES: z.coerce.number().int().min(0).optional(),
  RAGTUNE_PRETTY_LOGS: boolish.optional(),
  // browser origins allowed to call the API (comma-separated, or *); unset: no CORS headers
  RAGTUNE_CORS_ORIGINS: z.string().trim().optional(),
  // chat completions: a footnote line listing numbers the fact-lock found in no source
  RAGTUNE_CHAT_FACT_NOTES: boolish.default(true),
})

export type Env = Record<string, string | undefined>

export interface Config {
  readonly dataDir: string
  readonly dbPath: string
  readonly server: {
    readonly port: number
    readonly host: string
    readonly bodyLimitBytes: number
    readonly rateLimitPerMinute: number
    readonly answerTimeoutMs: number
    /** origins browsers may call from; empty: CORS off */
    readonly corsOrigins: readonly string[]
    /** chat completions show fact-lock findings as a footnote line */
    readonly chatFactNotes: boolean
  }
  /** pretty: RAGTUNE_PRETTY_LOGS when set; unset = pretty on a terminal, JSON otherwise */
  readonly log: { readonly level: string; readonly pretty: boolean | undefined }
  readonly models: {
    readonly apiKey: string | undefined
    readonly baseURL: string | undefined
    readonly chatModel: string | undefined
    readonly embeddingModel: string | undefined
    readonly embeddingDimensions: number | undefined
    readonly timeoutMs: number
    readonly maxRetries: number
  }
  readonly vectorStore: {
    readonly kind: 'sqlite' | 'pinecone'
    readonly pinecone: {
      readonly apiKey: string | undefined
      readonly index: string | undefined
      readonly namespace: string
      /** the SDK's control-plane URL (pinecone-local, an emulator); default https://api.pinecone.io */
      readonly controllerHostUrl: string | undefined
    }
  }
  readonly databaseUrl: string | undefined
  readonly ingest: {
    readonly maxFileBytes: number
    readonly maxPages: number
    readonly maxUploadBytes: number
    readonly workers: number | undefined
    readonly mode: 'inline' | 'queue'
    readonly parseMemoryMb: number
  }
  /** entries of the retrieval cache; 0 when it is off */
  /** entry limits of the named caches that differ from CACHE_LIMITS (RAGTUNE_CACHE_LIMITS, RAGTUNE_RETRIEVAL_CACHE) */
  readonly cacheLimits: Readonly<Partial<Record<CacheName, number>>>
  /** RAGTUNE_KEYWORD_INDEX_MAX_INSTANCES; undefined: the SQLite store's default */
  readonly keywordIndexMaxInstances: number | undefined
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export function loadConfig(env: Env, overrides: { dataDir?: string } = {}): Config {
  // Empty strings from `.env` files mean "unset", as they do for the openai SDK.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')} (see .env.example)`)
  }
  const e = parsed.data
  if (e.RAGTUNE_VECTOR_STORE === 'pinecone' && (!e.PINECONE_API_KEY || !e.PINECONE_INDEX)) {
    throw new ConfigError('RAGTUNE_VECTOR_STORE=pinecone needs PINECONE_API_KEY and PINECONE_INDEX')
  }
  const dataDir = path.resolve(overrides.dataDir ?? e.RAGTUNE_DATA_DIR)
  let cacheLimits: Partial<Record<CacheName, number>>
  try {
    cacheLimits = parseCacheLimits(e.RAGTUNE_CACHE_LIMITS ?? '')
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${(err as Error).message} (see .env.example)`)
  }
  return Object.freeze({
    dataDir,
    dbPath: path.join(dataDir, 'ragtune.db'),
    server: {
      port: e.PORT,
      host: e.HOST,
      bodyLimitBytes: e.RAGTUNE_BODY_LIMIT_KB * 1024,
      rateLimitPerMinute: e.RAGTUNE_RATE_LIMIT,
      answerTimeoutMs: e.RAGTUNE_ANSWER_TIMEOUT_MS,
      corsOrigins: (e.RAGTUNE_CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
      chatFactNotes: e.RAGTUNE_CHAT_FACT_NOTES,
    },
    log: { level: e.LOG_LEVEL, pretty: e.RAGTUNE_PRETTY_LOGS },
    models: {
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
      chatModel: e.RAGTUNE_CHAT_MODEL,
      embeddingModel: e.RAGTUNE_EMBEDDING_MODEL,
      embeddingDimensions: e.RAGTUNE_EMBEDDING_DIMENSIONS,
      timeoutMs: e.RAGTUNE_MODEL_TIMEOUT_MS,
      maxRetries: e.RAGTUNE_MODEL_MAX_RETRIES,
    },
    vectorStore: {
      kind: e.RAGTUNE_VECTOR_STORE,
      pinecone: {
        apiKey: e.PINECONE_API_KEY,
        index: e.PINECONE_INDEX,
        namespace: e.PINECONE_NAMESPACE,
        controllerHostUrl: e.PINECONE_CONTROLLER_HOST,
      },
    },
    databaseUrl: e.DATABASE_URL,
    ingest: {
      maxFileBytes: Math.round(e.RAGTUNE_MAX_FILE_MB * 1024 * 1024),
      maxPages: e.RAGTUNE_MAX_PAGES,
      maxUploadBytes: Math.round((e.RAGTUNE_MAX_UPLOAD_MB ?? 2 * e.RAGTUNE_MAX_FILE_MB) * 1024 * 1024),
      workers: e.RAGTUNE_INGEST_WORKERS,
      parseMemoryMb: e.RAGTUNE_PARSE_MEMORY_MB,
      mode: e.RAGTUNE_INGEST_MODE,
    },
    // RAGTUNE_RETRIEVAL_CACHE, when given, sets the retrieval cache's limit over RAGTUNE_CACHE_LIMITS
    cacheLimits: e.RAGTUNE_RETRIEVAL_CACHE === undefined ? cacheLimits : { ...cacheLimits, retrieval: e.RAGTUNE_RETRIEVAL_CACHE },
    keywordIndexMaxInstances: e.RAGTUNE_KEYWORD_INDEX_MAX_INSTANCES,
  })
}
