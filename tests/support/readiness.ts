import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

/**
 * GET /readyz once the store's first integrity check has ended: /readyz answers 503 `starting` while it
 * runs (in a worker thread, started with the app), so a probe right after the app is built may see that.
 */
export async function probeReady(app: FastifyInstance, timeoutMs = 20_000): Promise<LightMyRequestResponse> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const res = await app.inject({ method: 'GET', url: '/readyz' })
    const starting = res.statusCode === 503 && res.json<{ error?: { code?: string } }>().error?.code === 'starting'
    if (!starting || Date.now() > until) return res
    await new Promise((r) => setTimeout(r, 10))
  }
}
