import type { FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { buildApp, type AppDeps } from './app.js'

/**
 * The listening process: build the app, listen, and close gracefully on SIGINT/SIGTERM (stop accepting,
 * finish in-flight requests, then close the store).
 */
export async function startServer(deps: AppDeps, options: { onClose?: () => Promise<void> } = {}): Promise<FastifyInstance> {
  const { config, logger } = deps
  const app = await buildApp(deps)
  await app.listen({ port: config.server.port, host: config.server.host })
  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting')
      process.exit(1)
    }, 10_000)
    force.unref()
    app
      .close()
      .then(() => options.onClose?.())
      .then(() => {
        logger.flush()
        process.exitCode = 0
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown')
        process.exitCode = 1
      })
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  return app
}

export function describeListen(app: FastifyInstance, config: Config): string {
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : config.server.port
  return `http://${config.server.host}:${port}`
}
