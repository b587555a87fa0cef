import type { CliContext } from '../../src/cli/context.js'
import { writeJson, writeLine } from '../../src/cli/context.js'
import type { FineTuneJob, StoredFineTuneJob } from '../../src/core/finetune.js'
import type { WatchUpdate } from '../providers/watch-job.js'

/**
 * How a watched job looks: JSON lines with --json (scripts), a redrawn progress bar on a TTY, plain
 * timestamped lines otherwise (logs, CI). Every form shows each event once and every status change.
 */
export function createJobPrinter(
  ctx: CliContext,
  json: boolean,
): { update(u: WatchUpdate): void; job(j: StoredFineTuneJob | FineTuneJob): void } {
  const tty = ctx.stdout.isTTY === true && !json
  let barShown = false
  const clearBar = (): void => {
    if (barShown) ctx.stdout.write('\r\x1b[2K')
    barShown = false
  }
  return {
    update(u) {
      if (json) {
        writeJson(
          ctx.stdout,
          u.type === 'event' ? { type: 'event', jobId: u.job.id, ...u.event } : { type: 'status', jobId: u.job.id, status: u.job.status },
        )
        return
      }
      if (u.type === 'status') {
        clearBar()
        writeLine(
          ctx.stdout,
          `${u.job.id}: ${u.job.status}${u.job.status === 'failed' && u.job.error !== null ? ` (${u.job.error.code}: ${u.job.error.message})` : ''}`,
        )
        return
      }
      const e = u.event
      if (tty && e.step !== undefined && e.totalSteps !== undefined && e.totalSteps > 0) {
        const width = 30
        const filled = Math.round((width * e.step) / e.totalSteps)
        const loss = e.trainLoss === undefined ? '' : `  loss ${e.trainLoss.toFixed(3)}`
        ctx.stdout.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] step ${e.step}/${e.totalSteps}${loss}`)
        barShown = true
        return
      }
      clearBar()
      const progress = e.step !== undefined && e.totalSteps !== undefined ? ` [${Math.round((100 * e.step) / e.totalSteps)}%]` : ''
      writeLine(ctx.stdout, `${e.createdAt}  ${e.level.padEnd(5)}  ${e.message}${progress}`)
    },
    job(j) {
      clearBar()
      if (json) {
        writeJson(ctx.stdout, { type: 'job', ...j })
        return
      }
      const parts = [`job ${j.id}`, `status ${j.status}`, `base ${j.baseModel}`]
      if (j.fineTunedModel !== null) parts.push(`model ${j.fineTunedModel}`)
      if (j.error !== null) parts.push(`error ${j.error.code}: ${j.error.message}`)
      writeLine(ctx.stdout, parts.join('  '))
    },
  }
}

/** Exit code for a finished watch: 0 only when the job succeeded. */
export function exitCodeFor(job: FineTuneJob): number {
  return job.status === 'succeeded' ? 0 : 1
}
