/**
 * Bounded exponential back-off for an idle poll loop: each empty poll waits twice as long as the last,
 * up to `maxMs`; work resets it. The wait ends early (without throwing) when the signal aborts, so a
 * stopping worker never sits out a full delay.
 */
export function idleDelay(minMs: number, maxMs: number): { wait(signal: AbortSignal): Promise<void>; reset(): void } {
  let next = minMs
  return {
    async wait(signal) {
      const ms = next
      next = Math.min(maxMs, next * 2)
      if (signal.aborted) return
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          resolve()
        }
        const timer = setTimeout(done, ms)
        signal.addEventListener('abort', done, { once: true })
      })
    },
    reset() {
      next = minMs
    },
  }
}
