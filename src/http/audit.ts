import type { FastifyRequest } from 'fastify'

/**
 * One log line per admin action (`audit: true`, the key id, the action, the collection and what it
 * touched), so "who deleted IR's 10-K" is one log query. Open mode logs key id null.
 */
export function audit(req: FastifyRequest, action: string, fields: { readonly collection: string } & Record<string, unknown>): void {
  req.log.info({ audit: true, keyId: req.principal?.keyId ?? null, action, ...fields }, `audit: ${action}`)
}
