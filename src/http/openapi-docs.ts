import type { FastifyPluginAsync, RouteOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

/**
 * The OpenAPI document (`/docs/json`, `/docs/yaml`) and its UI at `/docs`, on the browser app (see
 * browser-app.ts): `routes` are the API app's routes, registered here again (never run) for the document.
 */
export const openApiDocs: FastifyPluginAsync<{
  routes: ReadonlyArray<Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>>
  version?: string | undefined
}> = async (app, { routes, version }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ragtune',
        version: version ?? '0.1.0',
        description: 'Page-cited, fact-checked answers about company documents; OpenAI-compatible chat endpoint.',
      },
      tags: TAGS,
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'a key from "ragtune keys create"' } } },
    },
  })
  const notServed = async (): Promise<never> => {
    throw new Error('described for the OpenAPI document only; the API app serves this route')
  }
  for (const route of routes) app.route({ ...route, handler: notServed })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}

const TAGS = [
  { name: 'answers', description: 'questions answered from the documents, with page citations' },
  { name: 'openai', description: 'OpenAI-compatible endpoints for chat clients and SDKs' },
  { name: 'documents', description: 'uploads, ingestion jobs, documents (admin)' },
  { name: 'finetunes', description: 'fine-tuning jobs and voices (admin)' },
  { name: 'operations', description: 'health, readiness, metrics' },
]
