import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import type {} from '@fastify/swagger'
import { AppError } from '../errors.js'
import type { Logger } from '../logger.js'
import { scopeAllows, type KeyStore, type Scope } from '../core/keys.js'
import type { CollectionScope } from '../core/collections.js'
import { createAuthFailures } from './auth-failures.js'

/**
 * Bearer-key auth. Every `/v1/` route needs a key: `admin` for documents, ingestions, fine-tunes and
 * model activation, `query` for the rest (an onRoute rule by URL, so routes written by others are covered
 * without editing them; a route may set `config.scope` itself). Health, metrics and docs are public.
 * With no active key the server runs open, but only on a loopback host; anywhere else it refuses to start.
 */
export interface Principal {
  /** null in open mode */
  readonly keyId: string | null
  readonly scope: Scope
  /** the collections the key sees (see core/scoped-corpus.ts) */
  readonly collections: CollectionScope
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyContextConfig {
    /** the scope a route needs; default from its URL (see auth.ts) */
    scope?: Scope | 'public'
  }
}

// `/v1/models/` with a slash: listing models is a query, acting on one (activate, eval) is admin.
const ADMIN_PREFIXES = ['/v1/documents', '/v1/ingestions', '/v1/finetunes', '/v1/keys', '/v1/models/']
const OPEN_PRINCIPAL: Principal = { keyId: null, scope: 'admin', collections: 'all' }
/** missing or wrong keys an address may send per minute before it is refused (429) for the rest of it */
const AUTH_FAILURES_PER_MINUTE = 30

export function routeScope(url: string, configured: Scope | 'public' | undefined): Scope | 'public' {
  if (configured !== undefined) return configured
  if (!url.startsWith('/v1/')) return 'public'
  return ADMIN_PREFIXES.some((p) => url.startsWith(p)) ? 'admin' : 'query'
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h)
}

/**
 * Installs auth on the root instance; call before any route is registered. Throws `auth_required`
 * when the host is not loopback and no key exists.
 */
export async function installAuth(
  app: FastifyInstance,
  options: { keys: KeyStore | undefined; host: string; logger: Logger },
): Promise<void> {
  const { keys, host } = options
  const loopback = isLoopbackHost(host)
  if (!(await keys?.hasActiveKeys())) {
    if (!loopback) {
      throw new AppError(
        'auth_required',
        `refusing to serve on ${host} without an API key: run "ragtune keys create --scope admin" first, or bind to 127.0.0.1`,
        { status: 500 },
      )
    }
    options.logger.warn({ host }, 'no API keys exist: serving without authentication on loopback; create one with "ragtune keys create"')
  }

  app.decorateRequest('principal', null)
  const failures = createAuthFailures({ max: AUTH_FAILURES_PER_MINUTE, windowMs: 60_000 })
  const tooManyFailures = (seconds: number): AppError =>
    new AppError(
      'too_many_auth_failures',
      `too many requests with a missing or wrong API key from this address; retry in ${seconds} s with a valid key`,
      {
        status: 429,
        retryable: true,
        retryAfter: seconds,
      },
    )

  const authenticate = async (req: FastifyRequest, header: string): Promise<void> => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
    const info = token === undefined || keys === undefined ? undefined : await keys.verify(token)
    if (info === undefined) {
      // Open mode: OpenAI clients insist on sending some key ("sk-unused"); with no keys there is nothing to check it against.
      if (loopback && !(await keys?.hasActiveKeys())) return
      failures.record(req.ip)
      throw new AppError(
        'invalid_api_key',
        'the API key is malformed, unknown or revoked; send "Authorization: Bearer <key>" with a key from "ragtune keys create"',
        {
          status: 401,
        },
      )
    }
    req.principal = { keyId: info.id, scope: info.scope, collections: info.collections ?? 'all' }
  }
  // Callback-style hooks: a request without a key header passes without a promise of its own.
  app.addHook('onRequest', (req, _reply, done) => {
    const blocked = req.url.startsWith('/v1/') ? failures.blockedFor(req.ip) : 0
    if (blocked > 0) {
      done(tooManyFailures(blocked))
      return
    }
    const header = req.headers.authorization
    if (header === undefined) {
      done()
      return
    }
    authenticate(req, header).then(() => done(), done)
  })

  const unauthorized = (): AppError =>
    new AppError(
      'unauthorized',
      'this endpoint needs an API key: send "Authorization: Bearer <key>" (create one with "ragtune keys create")',
      {
        status: 401,
      },
    )
  const checks = new Map<Scope, onRequestHookHandler>()
  const requireScope = (scope: Scope): onRequestHookHandler => {
    let check = checks.get(scope)
    if (check === undefined) {
      check = (req, _reply, done) => {
        const principal = req.principal
        if (principal === null) {
          if (!loopback) {
            failures.record(req.ip)
            done(unauthorized())
            return
          }
          // Open mode is decided per request: creating the first key closes a running server.
          if (keys === undefined) {
            req.principal = OPEN_PRINCIPAL
            done()
            return
          }
          keys.hasActiveKeys().then((active) => {
            if (active) {
              failures.record(req.ip)
              done(unauthorized())
            } else {
              req.principal = OPEN_PRINCIPAL
              done()
            }
          }, done)
          return
        }
        if (!scopeAllows(principal.scope, scope)) {
          done(
            new AppError('forbidden', `this endpoint needs a key with the "${scope}" scope; this key has "${principal.scope}"`, {
              status: 403,
            }),
          )
          return
        }
        done()
      }
      checks.set(scope, check)
    }
    return check
  }

  app.addHook('onRoute', (route) => {
    const scope = routeScope(route.url, route.config?.scope)
    if (scope === 'public') return
    const hook = requireScope(scope)
    const existing = route.onRequest
    route.onRequest = existing === undefined ? [hook] : Array.isArray(existing) ? [hook, ...existing] : [hook, existing]
    // Tell the OpenAPI document which routes need a key.
    route.schema = { ...route.schema, security: [{ bearerAuth: [] }] }
  })
}

/** The collections a request may see: its key's, or all in open mode and on routes without auth. */
export function requestCollections(req: FastifyRequest): CollectionScope {
  return req.principal?.collections ?? 'all'
}
