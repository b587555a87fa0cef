import type { Writable } from 'node:stream'

/**
 * One redrawn status line for a TTY: bar, percent, pages, files and ETA. Progress is counted in files,
 * with the file(s) being parsed counted by their share of pages done, so the bar moves within a large PDF.
 */
export function createProgressBar(out: Writable & { columns?: number }, filesTotal: number) {
  const started = performance.now()
  const inFlight = new Map<string, number>()
  let filesDone = 0
  let pages = 0
  let lastDraw = 0

  const fraction = (): number => {
    if (filesTotal === 0) return 1
    const partial = [...inFlight.values()].reduce((a, b) => a + b, 0)
    return Math.min(1, (filesDone + partial) / filesTotal)
  }
  const draw = (force = false): void => {
    const now = performance.now()
    if (!force && now - lastDraw < 100) return
    lastDraw = now
    const f = fraction()
    const elapsed = (now - started) / 1000
    const eta = f > 0.01 ? formatSeconds((elapsed * (1 - f)) / f) : '--:--'
    const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 60))
    const filled = Math.round(f * width)
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% ${pages} pages · ${filesDone}/${filesTotal} files · ETA ${eta}`
    out.write(`\r\x1b[2K${line}`)
  }
  return {
    fileProgress(file: string, pagesDone: number, pagesTotal: number, pagesSoFar: number): void {
      inFlight.set(file, pagesTotal > 0 ? pagesDone / pagesTotal : 0)
      pages = pagesSoFar
      draw()
    },
    /** prints a line above the bar */
    log(line: string): void {
      out.write(`\r\x1b[2K${line}\n`)
      draw(true)
    },
    fileDone(file: string, pagesSoFar: number): void {
      inFlight.delete(file)
      filesDone++
      pages = pagesSoFar
      draw(true)
    },
    end(): void {
      out.write('\r\x1b[2K')
    },
  }
}

function formatSeconds(s: number): string {
  const total = Math.max(0, Math.round(s))
  const m = Math.floor(total / 60)
  return `${m}:${String(total % 60).padStart(2, '0')}`
}
