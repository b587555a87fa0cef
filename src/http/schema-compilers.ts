import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'
import { onceSync } from '../lazy.js'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>
type Validate = ((data: unknown) => unknown) & { errors?: unknown }

const require = createRequire(import.meta.url)
const AJV_OPTIONS = { removeAdditional: false, useDefaults: true } as const

/**
 * Fastify's schema compilers (ajv validators, fast-json-stringify serializers), made when a route's schema
 * is first used instead of for every route when the server starts: compiling them all, and loading ajv
 * and fast-json-stringify to do it, was the largest part of `ragtune serve`'s start after loading modules.
 * A route pays its compile once, on its first request; a server asked only `/readyz` loads neither library.
 *
 * Validators: strict for bodies (JSON bodies are typed by the client, so `{"question":123}` and
 * `"topK":"5"` are 400s, not coerced), coercing for path and query strings (text on the wire).
 */
export const lazySchemaCompilers: CompilersFactory = {
  buildValidator: ((externalSchemas: unknown) => {
    const compilerFor = (coerceTypes: 'array' | false): ReturnType<BuildValidator> =>
      ajvPool()(externalSchemas as never, { customOptions: { ...AJV_OPTIONS, coerceTypes } })
    const compilers = onceSync(() => ({ strict: compilerFor(false), coercing: compilerFor('array') }))
    return (route) => {
      let compiled: Validate | undefined
      // fastify reads a failed validation's `errors` off the function it was given
      const validate: Validate = (data) => {
        compiled ??= (route.httpPart === 'body' ? compilers().strict : compilers().coercing)(route) as Validate
        const ok = compiled(data)
        validate.errors = compiled.errors
        return ok
      }
      return validate
    }
  }) as BuildValidator,

  buildSerializer: ((externalSchemas: unknown, options: unknown) => {
    const compile = onceSync(() => serializerFactory()(externalSchemas as never, options as never))
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined
      return (data: unknown) => (serialize ??= compile()(route) as (data: unknown) => string)(data)
    }
  }) as BuildSerializer,
}

// One ajv instance per options and external schemas (the pool is @fastify/ajv-compiler's), shared by every app.
const ajvPool = onceSync(() => (require('@fastify/ajv-compiler') as typeof import('@fastify/ajv-compiler').default)())
const serializerFactory = onceSync(() => (require('@fastify/fast-json-stringify-compiler') as () => BuildSerializer)())
