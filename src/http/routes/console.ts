import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync } from 'fastify'

const require = createRequire(import.meta.url)
// web/ beside src/ when run from source (tsx), and beside dist/ when run compiled (npm start): the
// console's files are served as they are, never copied into dist/.
const CONSOLE_DIR =
  ['../../../web/console/', '../../../../web/console/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((dir) => existsSync(`${dir}index.html`)) ?? fileURLToPath(new URL('../../../web/console/', import.meta.url))

/**
 * The browser's ES modules come straight from node_modules (no bundler, no CDN): the console's import
 * map names these URLs, so `npm ci && npm start` is the whole build.
 */
const VENDOR: Readonly<Record<string, string>> = {
  'preact.mjs': require.resolve('preact'),
  'hooks.mjs': require.resolve('preact/hooks'),
  'htm.mjs': require.resolve('htm'),
  'htm-preact.mjs': require.resolve('htm/preact'),
}

/**
 * The web console at `/`: a static page and its modules, public like /docs (the page holds no data;
 * every call it makes sends the key the reader entered, kept in sessionStorage).
 */
export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const index = readFileSync(`${CONSOLE_DIR}index.html`)
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(index),
  )
  await app.register(fastifyStatic, {
    root: CONSOLE_DIR,
    prefix: '/console/',
    decorateReply: false,
    cacheControl: true,
    maxAge: 0,
    schemaHide: true,
  })
  await app.register(async (vendor) => {
    for (const [name, file] of Object.entries(VENDOR)) {
      const body = readFileSync(file.replace(/\.(js|cjs|umd\.js)$/, '.mjs'))
      vendor.get(`/console/vendor/${name}`, { schema: { hide: true } }, async (_req, reply) =>
        reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(body),
      )
    }
  })
}
