/**
 * Ingestion throughput and memory on a directory of PDFs (default: the FinanceBench filings), BM25 only,
 * into a temporary data dir. In the same run, as the floor, a plain single-thread pdf-parse loop over the
 * same files. Each phase runs in its own process so peak RSS (VmHWM: every thread, workers included) is
 * its own. Prints figures; never fails on them.
 *
 *   npx tsx bench/ingest.ts [DIR]
 */
import { spawnSync } from 'node:child_process'
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
  /** user + system CPU seconds of the whole process (all threads) */
  cpuSeconds: number
  extra?: Record<string, number>
}

const DEFAULT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/financebench/pdfs')

function peakRssMb(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? '0')
  return kb > 0 ? Math.round(kb / 1024) : Math.round(process.memoryUsage().rss / 1048576)
}

function pdfsIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.pdf')).sort().map((f) => path.join(dir, f))
}

/** The floor runs as plain JavaScript in plain node (no TypeScript loader), as a user's own loop would. */
const FLOOR_SOURCE = `
import fs from 'node:fs'
import path from 'node:path'
import { PDFParse } from 'pdf-parse'
const dir = process.argv[1]
const files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.pdf')).sort().map((f) => path.join(dir, f))
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
  const parser = createParserPool({ logger, ...(workers === undefined ? {} : { size: workers }), ...(heap === undefined ? {} : { maxHeapMb: heap }) })
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

function runPhase(phase: string, dir: string): PhaseResult {
  const self = fileURLToPath(import.meta.url)
  const root = path.resolve(path.dirname(self), '..')
  const args = phase === 'floor' ? ['--input-type=module', '-e', FLOOR_SOURCE, dir] : ['--import', 'tsx', self, '--phase', phase, dir]
  const res = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1048576 })
  const line = res.stdout.trim().split('\n').at(-1) ?? ''
  if (res.status !== 0 || !line.startsWith('{')) throw new Error(`phase ${phase} failed (exit ${res.status ?? res.signal}): ${res.stdout.slice(-500)}`)
  return JSON.parse(line) as PhaseResult
}

const args = process.argv.slice(2)
const phaseAt = args.indexOf('--phase')
if (phaseAt >= 0) {
  // Only the pipeline phase runs through this file; the floor is FLOOR_SOURCE.
  const dir = args[phaseAt + 2] ?? DEFAULT_DIR
  const result = await pipeline(dir)
  console.log(JSON.stringify(result))
} else {
  const dir = path.resolve(args[0] ?? DEFAULT_DIR)
  const files = pdfsIn(dir)
  console.log(`ragtune ingest bench: ${files.length} PDFs in ${dir}; ${os.availableParallelism()} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  const base = runPhase('floor', dir)
  const ours = runPhase('pipeline', dir)
  const rate = (r: PhaseResult): number => r.pages / r.seconds
  const fmt = (r: PhaseResult, what: string): string =>
    `${what.padEnd(44)} ${String(r.pages).padStart(5)} pages ${r.seconds.toFixed(1).padStart(7)} s ${rate(r).toFixed(1).padStart(7)} pages/s  peak RSS ${r.peakRssMb} MB  CPU ${r.cpuSeconds.toFixed(1)} s (${(r.cpuSeconds / r.seconds).toFixed(2)} cores busy)`
  console.log(fmt(base, 'floor: plain pdf-parse loop, 1 thread'))
  console.log(fmt(ours, `ragtune ingest (${ours.extra?.workers ?? '?'} parse workers, BM25 only)`))
  console.log(`  chunks ${ours.extra?.chunks ?? 0}, failed files ${ours.extra?.failed ?? 0}`)
  console.log(`speed-up vs floor: ${(rate(ours) / rate(base)).toFixed(2)}x   (goal >= 1.5x)`)
  // On a shared machine the wall-clock ratio depends on how much CPU the others leave us; pages per
  // CPU-second shows the work itself.
  console.log(`pages per CPU-second: floor ${(base.pages / base.cpuSeconds).toFixed(1)}, ragtune ${(ours.pages / ours.cpuSeconds).toFixed(1)}`)
  console.log(`peak RSS: ${ours.peakRssMb} MB   (goal <= 600 MB)`)
  const re = ours.extra?.reingestSeconds ?? 0
  console.log(`re-ingest of the unchanged set: ${re.toFixed(2)} s = ${((100 * re) / ours.seconds).toFixed(1)} % of the first ingest, ${ours.extra?.reingestUnchanged ?? 0} unchanged   (goal <= 10 %)`)
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
}
