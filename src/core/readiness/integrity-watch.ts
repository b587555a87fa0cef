import type { Corpus } from '../corpus.js'

/** A check's result is reused this long; one that found problems is checked again on every probe. */
const MAX_AGE_MS = 600_000

/** The store's integrity as readiness reports it. */
export interface IntegrityWatch {
  /**
   * The last check's problems (none: sound), undefined until the first check ends. A result older than
   * ten minutes, or one that found problems (so a repaired store comes back), starts a new check in the
   * background and is answered meanwhile.
   */
  problems(): readonly string[] | undefined
  /** settles when no check is running (a check reads the store's files: close the store after it) */
  idle(): Promise<void>
}

/**
 * Starts the first integrity check now. `ragtune serve` starts it as soon as the store is open, before
 * it loads the HTTP stack, so the check (in a worker thread, see the SQLite store's checkIntegrity) runs
 * on the other core meanwhile; an app built without one starts its own. A store without a check is sound.
 */
export function watchIntegrity(corpus: Corpus): IntegrityWatch {
  const check = corpus.checkIntegrity?.bind(corpus)
  if (check === undefined) return { problems: () => [], idle: async () => {} }
  let last: { at: number; problems: readonly string[] } | undefined
  let running: Promise<void> | undefined
  const run = (): void => {
    running ??= check()
      .catch((err: unknown) => [err instanceof Error ? err.message : String(err)])
      .then((problems) => {
        last = { at: performance.now(), problems }
        running = undefined
      })
  }
  run()
  return {
    problems() {
      if (last !== undefined && (last.problems.length > 0 || performance.now() - last.at > MAX_AGE_MS)) run()
      return last?.problems
    },
    idle: async () => running,
  }
}
