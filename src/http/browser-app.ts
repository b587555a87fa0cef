import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify'
import type { Logger } from '../logger.js'
import { once } from '../lazy.js'

/** What the OpenAPI document needs to know of a route of the API (its schema carries tags and summaries). */
type RouteRecord = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>

/** Where the pages a browser asks for live: the web console, its files, the OpenAPI document and UI. */
const PATHS = ['/', '/console/*', '/docs', '/docs/*']

/**
 * The routes only a browser asks for (the web console at `/` and `/console/`, the OpenAPI document and UI
 * at `/docs`) are served by a second Fastify instance, built with the first such request (or by `warm`):
 * their libraries (@fastify/static with its file-system globbing, @fastify/swagger and swagger-ui with
 * the YAML library) cost start-up time that the API, and readiness, never need. The API app records its
 * routes as they are added and forwards these paths to the browser app; the browser app registers the
 * recorded routes again, never served, so the OpenAPI document describes exactly the API's routes.
 *
 * Install on the root instance before any route, like the other onRoute hooks (see installPlatform).
 */
export function installBrowserApp(
  app: FastifyInstance,
  deps: { logger: Logger; version?: string | undefined },
): { warm: () => Promise<unknown> } {
  const routes: RouteRecord[] = []
  app.addHook('onRoute', (route) => {
    // as the document shows them: hidden routes (these forwards among them) and HEAD twins left out
    if (route.schema?.hide === true || route.method === 'HEAD') return
    routes.push({
      method: route.method,
      url: route.url,
      ...(route.schema === undefined ? {} : { schema: route.schema }),
      ...(route.config === undefined ? {} : { config: route.config }),
    })
  })

  let loaded: { close(): Promise<unknown> } | undefined
  const load = once(async () => {
    const [{ openApiDocs }, { consoleRoutes }] = await Promise.all([import('./openapi-docs.js'), import('./routes/console.js')])
    // warnings and errors only: the API app logs each request already
    const browser = Fastify({ loggerInstance: deps.logger.child({ app: 'browser' }, { level: 'warn' }), exposeHeadRoutes: false })
    // The recorded routes are described, never run here: no validators or serializers are built for them.
    browser.setValidatorCompiler(() => () => true)
    browser.setSerializerCompiler(() => (data) => JSON.stringify(data))
    await browser.register(openApiDocs, { routes, version: deps.version })
    await browser.register(consoleRoutes)
    await browser.ready()
    loaded = browser
    return browser
  })
  app.addHook('onClose', async () => {
    await loaded?.close()
  })

  const forward = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const browser = await load()
    // GET even for a HEAD request: the API app drops the body of its answer to a HEAD itself.
    const res = await browser.inject({ method: 'GET', url: req.url, headers: req.headers })
    // the API app's 404, in its error shape
    if (res.statusCode === 404) {
      reply.callNotFound()
      return reply
    }
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) void reply.header(name, value)
    }
    return reply.status(res.statusCode).send(res.rawPayload.length > 0 ? res.rawPayload : undefined)
  }
  for (const url of PATHS) app.get(url, { schema: { hide: true } }, forward)
  return { warm: load }
}

/** Headers the API app's own reply sets (or must not copy). */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date'])
