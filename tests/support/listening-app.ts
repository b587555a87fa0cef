import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import type { Logger } from '../../src/logger.js'

/** The whole server as bin/serve.ts builds it, on a temp data dir, for `app.inject`; `close` removes the dir. */
export interface TestApp {
  readonly dir: string
  readonly deps: AppDeps
  readonly app: FastifyInstance
  close(): Promise<void>
}

export async function startApp(env: Record<string, string> = {}, logger: Logger = pino({ level: 'silent' })): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-app-'))
  const deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dir, RAGTUNE_INGEST_WORKERS: '0', ...env }), logger)
  const app = await buildApp(deps)
  return {
    dir,
    deps,
    app,
    async close() {
      await app.close()
      await closeDeps(deps)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The same, listening on an ephemeral port. */
export interface ListeningApp extends TestApp {
  readonly port: number
}

export async function startListeningApp(
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<ListeningApp> {
  const started = await startApp(env, logger)
  await started.app.listen({ port: 0, host: '127.0.0.1' })
  const addr = started.app.server.address()
  return { ...started, port: typeof addr === 'object' && addr !== null ? addr.port : 0 }
}
