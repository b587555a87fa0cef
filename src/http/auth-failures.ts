/**
 * Failed authentications per client address, so keys cannot be guessed online: after `max` failures in
 * a window the address gets 429 until the window ends, whatever key it sends. @fastify/rate-limit counts
 * every request; this counts only failures, which it cannot. Memory stays bounded: expired entries go
 * when the table is large.
 */
export interface AuthFailures {
  /** seconds until the address may try again, or 0 */
  blockedFor(address: string): number
  record(address: string): void
}

export function createAuthFailures(options: { max: number; windowMs: number; now?: () => number }): AuthFailures {
  const now = options.now ?? Date.now
  const table = new Map<string, { count: number; until: number }>()
  const prune = (t: number): void => {
    if (table.size < 10_000) return
    for (const [k, v] of table) if (v.until <= t) table.delete(k)
  }
  return {
    blockedFor(address) {
      const entry = table.get(address)
      const t = now()
      if (entry === undefined || entry.until <= t || entry.count < options.max) return 0
      return Math.max(1, Math.ceil((entry.until - t) / 1000))
    },
    record(address) {
      const t = now()
      const entry = table.get(address)
      if (entry === undefined || entry.until <= t) {
        prune(t)
        table.set(address, { count: 1, until: t + options.windowMs })
      } else entry.count++
    },
  }
}
