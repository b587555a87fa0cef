import { isTerminalStatus, type FineTuneEvent, type FineTuneJob, type FineTuneProvider } from '../../src/core/finetune.js'

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
}

/**
 * Polls a job until it reaches a terminal state, yielding new events (oldest first) and every status
 * change. Intermediate states (validating_files, queued, running) keep polling; the job is read before
 * its events so the events that close a job are never missed on the last round.
 */
export async function* watchJob(provider: FineTuneProvider, jobId: string, options: WatchOptions = {}): AsyncGenerator<WatchUpdate, FineTuneJob> {
  const sleep = options.sleep ?? defaultSleep
  const pollMs = options.pollMs ?? 10_000
  let after = options.afterEventId
  let lastStatus: string | undefined
  for (;;) {
    options.signal?.throwIfAborted()
    const job = await provider.get(jobId, options.signal)
    const events = await provider.events(jobId, after, options.signal)
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
    signal?.addEventListener('abort', () => {
      clearTimeout(t)
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    }, { once: true })
  })
}
