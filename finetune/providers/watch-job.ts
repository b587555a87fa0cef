import { isTerminalStatus, type FineTuneEvent, type FineTuneJob, type FineTuneProvider } from '../../src/core/finetune.js'
import { isAppError } from '../../src/errors.js'

export type WatchUpdate =
  | { readonly type: 'event'; readonly event: FineTuneEvent; readonly job: FineTuneJob }
  | { readonly type: 'status'; readonly job: FineTuneJob }

export interface WatchOptions {
  /** events up to this one were already shown (a resumed watch) */
  readonly afterEventId?: string | undefined
  readonly pollMs?: number
  /** injectable so tests never sleep */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly signal?: AbortSignal
  /** consecutive retryable failures (rate limits, 5xx, network) tolerated before giving up (default 5) */
  readonly maxFailures?: number
  /** told about each tolerated failure, e.g. to print "retrying" */
  readonly onRetry?: (err: unknown, attempt: number) => void
}

/**
 * Polls a job until it reaches a terminal state, yielding new events (oldest first) and every status
 * change. Intermediate states (validating_files, queued, running) keep polling; the job is read before
 * its events so the events that close a job are never missed on the last round. Retryable failures
 * (AppError.retryable) back off and poll again, up to `maxFailures` in a row.
 */
export async function* watchJob(
  provider: FineTuneProvider,
  jobId: string,
  options: WatchOptions = {},
): AsyncGenerator<WatchUpdate, FineTuneJob> {
  const sleep = options.sleep ?? defaultSleep
  const pollMs = options.pollMs ?? 10_000
  let after = options.afterEventId
  let lastStatus: string | undefined
  let failures = 0
  for (;;) {
    options.signal?.throwIfAborted()
    let job: FineTuneJob
    let events: FineTuneEvent[]
    try {
      job = await provider.get(jobId, options.signal)
      events = await provider.events(jobId, after, options.signal)
      failures = 0
    } catch (err) {
      // A watch may last hours: an outage the SDK's own retries could not bridge only slows it down.
      if (!isAppError(err) || !err.retryable || ++failures > (options.maxFailures ?? 5)) throw err
      options.onRetry?.(err, failures)
      await sleep(Math.max(pollMs, (err.retryAfter ?? 0) * 1000) * 2 ** (failures - 1), options.signal)
      continue
    }
    for (const event of events) {
      after = event.id
      yield { type: 'event', event, job }
    }
    if (job.status !== lastStatus) {
      lastStatus = job.status
      yield { type: 'status', job }
    }
    if (isTerminalStatus(job.status)) return job
    await sleep(pollMs, options.signal)
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      },
      { once: true },
    )
  })
}
