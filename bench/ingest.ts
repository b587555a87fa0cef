/**
 * Ingestion throughput and memory on a directory of PDFs (default: the FinanceBench filings), BM25 only,
 * into a temporary data dir. Against it, in the same run:
 *   - the floor: a plain single-thread pdf-parse loop over the same files;
 *   - the parallel bound: two such loops at once, the files split in two halves by page count. On a
 *     machine whose cores slow each other down (shared vCPUs, another tenant) this is about the best any
 *     two-thread ingest could do, so it is printed next to the ratio.
 * The phases alternate for `--rounds` rounds (their order rotates each round) and the verdict is the
 * median of the per-round ratios, so one noisy moment on a shared machine does not decide it. Each phase
 * runs in its own process so peak RSS (VmHWM: every thread, workers included) is its own. Prints figures;
 * never fails on them.
 *
 *   npx tsx bench/ingest.ts [DIR] [--rounds N]
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

interface PhaseResult {
  phase: string
  pages: number
  files: number
  seconds: number
  peakRssMb: number
  /** user + system CPU seconds of the whole process (all threads); summed over processes for the bound */
  cpuSeconds: number
  extra?: Record<string, number>
}

type PhaseName = 'floor' | 'bound' | 'pipeline'

const DEFAULT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/financebench/pdfs')
const SELF = fileURLToPath(import.meta.url)
const ROOT = path.resolve(path.dirname(SELF), '..')

function peakRssMb(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? '0')
  return kb > 0 ? Math.round(kb / 1024) : Math.round(process.memoryUsage().rss / 1048576)
}

function pdfsIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((f) => path.join(dir, f))
}

/**
 * The floor runs as plain JavaScript in plain node (no TypeScript loader), as a user's own loop would.
 * argv: mode ("parse" or "count": page counts only), then the files.
 */
const FLOOR_SOURCE = `
import fs from 'node:fs'
import { PDFParse } from 'pdf-parse'
const [mode, ...files] = process.argv.slice(1)
if (mode === 'count') {
  const counts = {}
  for (const file of files) {
    const parser = new PDFParse({ data: new Uint8Array(fs.readFileSync(file)) })
    counts[file] = (await parser.getInfo()).total
    await parser.destroy()
  }
  console.log(JSON.stringify(counts))
} else {
  const started = performance.now()
  let pages = 0
  for (const file of files) {
    const parser = new PDFParse({ data: new Uint8Array(fs.readFileSync(file)) })
    const result = await parser.getText()
    pages += result.total
    await parser.destroy()
  }
  const seconds = (performance.now() - started) / 1000
  const kb = Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0')
  const cpu = process.cpuUsage()
  console.log(JSON.stringify({ phase: 'floor', pages, files: files.length, seconds, peakRssMb: Math.round(kb / 1024), cpuSeconds: (cpu.user + cpu.system) / 1e6 }))
}
`

async function pipeline(dir: string): Promise<PhaseResult> {
  const pino = (await import('pino')).default
  const { createSqliteCorpus } = await import('../src/adapters/sqlite/sqlite-corpus.js')
  const { createParserPool } = await import('../src/adapters/pdf/parser-pool.js')
  const { ingestPaths } = await import('../src/core/ingest/ingest-paths.js')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-bench-'))
  const logger = pino({ level: 'warn' })
  const corpus = createSqliteCorpus({ path: path.join(tmp, 'ragtune.db'), logger })
  const workers = process.env.RAGTUNE_INGEST_WORKERS === undefined ? undefined : Number(process.env.RAGTUNE_INGEST_WORKERS)
  // RAGTUNE_BENCH_HEAP_MB: try another parse-worker heap cap (the GC vs peak RSS trade-off).
  const heap = process.env.RAGTUNE_BENCH_HEAP_MB === undefined ? undefined : Number(process.env.RAGTUNE_BENCH_HEAP_MB)
  const parser = createParserPool({
    logger,
    ...(workers === undefined ? {} : { size: workers }),
    ...(heap === undefined ? {} : { maxHeapMb: heap }),
  })
  const deps = { corpus, parser, logger, limits: { maxFileBytes: 200 * 1048576, maxPages: 5000 } }
  try {
    const cpu0 = process.cpuUsage()
    const started = performance.now()
    const first = await ingestPaths(deps, [dir])
    const cpu = process.cpuUsage(cpu0)
    const seconds = (performance.now() - started) / 1000
    const again = performance.now()
    const second = await ingestPaths(deps, [dir])
    const reSeconds = (performance.now() - again) / 1000
    const failed = first.results.filter((r) => r.status === 'failed')
    for (const f of failed) console.error(`  failed: ${f.file}: ${f.error?.code ?? ''} ${f.error?.message ?? ''}`)
    return {
      phase: 'pipeline',
      pages: first.summary.pages,
      files: first.summary.files,
      seconds,
      peakRssMb: peakRssMb(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      extra: {
        workers: parser.concurrency,
        chunks: first.summary.chunks,
        failed: failed.length,
        reingestSeconds: reSeconds,
        reingestUnchanged: second.summary.unchanged,
      },
    }
  } finally {
    await parser.close()
    await corpus.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

function lastJsonLine(out: string, what: string, status: number | null, signal: NodeJS.Signals | null): unknown {
  const line = out.trim().split('\n').at(-1) ?? ''
  if (status !== 0 || !line.startsWith('{')) throw new Error(`${what} failed (exit ${status ?? signal ?? '?'}): ${out.slice(-500)}`)
  return JSON.parse(line)
}

function floorArgs(mode: 'parse' | 'count', files: readonly string[]): string[] {
  return ['--input-type=module', '-e', FLOOR_SOURCE, mode, ...files]
}

/** Page count of each file, read once up front (pdf.js opens each document; no page is parsed). */
function pageCounts(files: readonly string[]): Map<string, number> {
  const res = spawnSync(process.execPath, floorArgs('count', files), { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const counts = lastJsonLine(res.stdout, 'page count', res.status, res.signal) as Record<string, number>
  return new Map(Object.entries(counts))
}

/** Two halves of about equal page count: largest file first, each to the lighter half. */
function splitByPages(files: readonly string[], pages: ReadonlyMap<string, number>): [string[], string[]] {
  const halves: [string[], string[]] = [[], []]
  const load = [0, 0]
  for (const f of [...files].sort((a, b) => (pages.get(b) ?? 0) - (pages.get(a) ?? 0))) {
    const i = (load[0] ?? 0) <= (load[1] ?? 0) ? 0 : 1
    halves[i].push(f)
    load[i] = (load[i] ?? 0) + (pages.get(f) ?? 0)
  }
  return [halves[0].sort(), halves[1].sort()]
}

function runProcess(args: readonly string[], what: string): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('error', reject)
    child.on('close', (status, signal) => {
      try {
        resolve(lastJsonLine(out, what, status, signal) as PhaseResult)
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  })
}

async function runPhase(
  phase: PhaseName,
  dir: string,
  files: readonly string[],
  halves: readonly [string[], string[]],
): Promise<PhaseResult> {
  if (phase === 'floor') return runProcess(floorArgs('parse', files), 'floor')
  if (phase === 'pipeline') return runProcess(['--import', 'tsx', SELF, '--phase', 'pipeline', dir], 'pipeline')
  // Wall time is the slower half's; CPU and peak RSS add up (two processes).
  const both = await Promise.all(halves.map((h, i) => runProcess(floorArgs('parse', h), `bound half ${i + 1}`)))
  const sum = (f: (r: PhaseResult) => number): number => both.reduce((n, r) => n + f(r), 0)
  return {
    phase: 'bound',
    pages: sum((r) => r.pages),
    files: sum((r) => r.files),
    seconds: Math.max(...both.map((r) => r.seconds)),
    peakRssMb: sum((r) => r.peakRssMb),
    cpuSeconds: sum((r) => r.cpuSeconds),
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

const rate = (r: PhaseResult): number => r.pages / r.seconds
const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

function label(phase: PhaseName, workers: number | undefined): string {
  if (phase === 'floor') return 'floor: plain pdf-parse loop, 1 thread'
  if (phase === 'bound') return 'bound: 2 plain loops in parallel (halves by pages)'
  return `ragtune ingest (${workers ?? '?'} parse workers, BM25 only)`
}

function line(what: string, r: PhaseResult): string {
  return `${what.padEnd(52)} ${String(r.pages).padStart(5)} pages ${r.seconds.toFixed(1).padStart(6)} s ${rate(r).toFixed(1).padStart(6)} pages/s  peak RSS ${String(r.peakRssMb).padStart(4)} MB  CPU ${r.cpuSeconds.toFixed(1).padStart(5)} s (${(r.cpuSeconds / r.seconds).toFixed(2)} cores busy)`
}

async function main(argv: readonly string[]): Promise<void> {
  const roundsAt = argv.indexOf('--rounds')
  const rounds = roundsAt >= 0 ? Math.max(1, Math.floor(Number(argv[roundsAt + 1]))) : 3
  if (!Number.isFinite(rounds)) throw new Error('--rounds takes a positive number')
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--rounds')
  const dir = path.resolve(positional[0] ?? DEFAULT_DIR)
  const files = pdfsIn(dir)
  console.log(
    `ragtune ingest bench: ${files.length} PDFs in ${dir}; ${os.availableParallelism()} cores; ${rounds} rounds; load average ${loadAverage()}`,
  )
  const counts = pageCounts(files)
  const halves = splitByPages(files, counts)
  const halfPages = halves.map((h) => h.reduce((n, f) => n + (counts.get(f) ?? 0), 0))
  console.log(
    `bound halves: ${halves[0].length} files / ${halfPages[0] ?? 0} pages and ${halves[1].length} files / ${halfPages[1] ?? 0} pages`,
  )

  const order: PhaseName[] = ['floor', 'pipeline', 'bound']
  const results: Record<PhaseName, PhaseResult[]> = { floor: [], bound: [], pipeline: [] }
  for (let round = 0; round < rounds; round++) {
    console.log(`round ${round + 1}/${rounds} (load average ${loadAverage()})`)
    // Rotating the order spreads a slow stretch of the machine over every phase.
    for (let k = 0; k < order.length; k++) {
      const phase = order[(round + k) % order.length] ?? 'floor'
      const r = await runPhase(phase, dir, files, halves)
      results[phase].push(r)
      console.log(`  ${line(label(phase, r.extra?.workers), r)}`)
    }
    const f = results.floor[round]
    const p = results.pipeline[round]
    const b = results.bound[round]
    if (f !== undefined && p !== undefined && b !== undefined) {
      console.log(
        `  ratio vs floor: ragtune ${(rate(p) / rate(f)).toFixed(2)}x, parallel bound ${(rate(b) / rate(f)).toFixed(2)}x; ragtune at ${((100 * rate(p)) / rate(b)).toFixed(0)} % of the bound`,
      )
    }
  }

  const med = (phase: PhaseName, f: (r: PhaseResult) => number): number => median(results[phase].map(f))
  const ratios = (phase: PhaseName): number[] => results[phase].map((r, i) => rate(r) / rate(results.floor[i] ?? r))
  const ours = results.pipeline
  console.log(`medians over ${rounds} round(s):`)
  for (const phase of ['floor', 'bound', 'pipeline'] as const) {
    const what = label(phase, ours[0]?.extra?.workers)
    console.log(
      `  ${what.padEnd(52)} ${med(phase, rate).toFixed(1).padStart(6)} pages/s  CPU ${med(phase, (r) => r.cpuSeconds)
        .toFixed(1)
        .padStart(5)} s  ${med(phase, (r) => r.pages / r.cpuSeconds)
        .toFixed(1)
        .padStart(5)} pages/CPU-s  peak RSS ${Math.round(med(phase, (r) => r.peakRssMb))} MB`,
    )
  }
  const failed = Math.max(0, ...ours.map((r) => r.extra?.failed ?? 0))
  console.log(`  chunks ${ours[0]?.extra?.chunks ?? 0}, failed files ${failed}`)
  console.log(
    `speed-up vs floor (median of per-round ratios): ${median(ratios('pipeline')).toFixed(2)}x   (goal >= 1.5x; parallel bound on this machine: ${median(ratios('bound')).toFixed(2)}x)`,
  )
  console.log(
    `  ragtune at ${median(ours.map((r, i) => (100 * rate(r)) / rate(results.bound[i] ?? r))).toFixed(0)} % of the parallel bound (median of rounds)`,
  )
  console.log(
    `  per round: ragtune ${ratios('pipeline')
      .map((x) => x.toFixed(2))
      .join(' ')}; bound ${ratios('bound')
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  // On a shared machine the wall-clock ratio depends on how much CPU the others leave us; pages per
  // CPU-second shows the work itself.
  console.log(
    `pages per CPU-second (median): floor ${med('floor', (r) => r.pages / r.cpuSeconds).toFixed(1)}, bound ${med('bound', (r) => r.pages / r.cpuSeconds).toFixed(1)}, ragtune ${med('pipeline', (r) => r.pages / r.cpuSeconds).toFixed(1)}`,
  )
  console.log(`peak RSS: ${Math.max(...ours.map((r) => r.peakRssMb))} MB max over rounds   (goal <= 600 MB)`)
  const re = ours.map((r) => (100 * (r.extra?.reingestSeconds ?? 0)) / r.seconds)
  console.log(
    `re-ingest of the unchanged set: median ${median(ours.map((r) => r.extra?.reingestSeconds ?? 0)).toFixed(2)} s = ${median(re).toFixed(1)} % of the first ingest, ${Math.min(...ours.map((r) => r.extra?.reingestUnchanged ?? 0))} unchanged   (goal <= 10 %)`,
  )
  console.log(`load average after: ${loadAverage()}`)
}

const args = process.argv.slice(2)
const phaseAt = args.indexOf('--phase')
if (phaseAt >= 0) {
  // Only the pipeline phase runs through this file; the floor and the bound are FLOOR_SOURCE.
  const dir = args[phaseAt + 2] ?? DEFAULT_DIR
  const result = await pipeline(dir)
  console.log(JSON.stringify(result))
} else {
  await main(args)
}
