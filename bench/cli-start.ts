/**
 * Start-up cost of the `ragtune` command, by process spawns as a user runs it: `ragtune --help`,
 * `ragtune documents list` on a 27-document store (the FinanceBench filings, ingested once into
 * bench/out/cli-store and reused), and `ragtune serve` until its first `/readyz` answers 200. Each is
 * measured from the TypeScript sources through tsx ("before": how every command ran until the build
 * existed) and from the compiled dist/ ("after"; run `npm run build` first). Prints medians; never fails.
 *
 *   npx tsx bench/cli-start.ts [--runs N]
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnServe } from './spawn-serve.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin/ragtune.js')
const PDFS = path.resolve(ROOT, '../shared/data/financebench/pdfs')
const STORE = path.join(ROOT, 'bench/out/cli-store')
const runsAt = process.argv.indexOf('--runs')
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 7

type Mode = 'sources' | 'compiled'
const envFor = (mode: Mode): NodeJS.ProcessEnv => ({
  ...process.env,
  LOG_LEVEL: 'warn',
  RAGTUNE_FROM_SOURCE: mode === 'sources' ? '1' : '0',
})

function timeCommand(args: string[], mode: Mode): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [BIN, ...args], { env: envFor(mode), stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`ragtune ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`)
  return ms
}

/** From spawn to the first 200 from /readyz (port 0: the port is read from the listening log line). */
async function timeServe(mode: Mode): Promise<number> {
  const t0 = process.hrtime.bigint()
  const { url, stop } = await spawnServe([BIN, '--data-dir', STORE, 'serve', '--port', '0'], {
    ...envFor(mode),
    LOG_LEVEL: 'info',
    RAGTUNE_PRETTY_LOGS: '0',
  })
  try {
    for (;;) {
      const res = await fetch(`${url}/readyz`).catch(() => undefined)
      if (res?.status === 200) break
      await new Promise((r) => setTimeout(r, 5))
    }
    return Number(process.hrtime.bigint() - t0) / 1e6
  } finally {
    await stop()
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

if (!fs.existsSync(path.join(ROOT, 'dist/bin/cli.js'))) {
  console.error('no dist/: run `npm run build` first')
  process.exit(1)
}
if (!fs.existsSync(path.join(STORE, '.complete'))) {
  console.error(`building the 27-document store in ${STORE} (once)…`)
  fs.rmSync(STORE, { recursive: true, force: true })
  const r = spawnSync(process.execPath, [BIN, '--data-dir', STORE, 'ingest', PDFS, '--json'], {
    env: envFor('compiled'),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) throw new Error('ingest failed')
  fs.writeFileSync(path.join(STORE, '.complete'), '')
}
const docs = spawnSync(process.execPath, [BIN, '--data-dir', STORE, 'documents', 'list'], { env: envFor('compiled') })
  .stdout.toString()
  .trim()
  .split('\n').length

const cases: Array<{ name: string; run: (mode: Mode) => number | Promise<number> }> = [
  { name: 'ragtune --help', run: (m) => timeCommand(['--help'], m) },
  { name: `ragtune documents list (${docs} docs)`, run: (m) => timeCommand(['--data-dir', STORE, 'documents', 'list'], m) },
  { name: 'ragtune serve → /readyz 200', run: (m) => timeServe(m) },
]
for (const c of cases) {
  const times: Record<Mode, number[]> = { sources: [], compiled: [] }
  // Alternate the modes so a noisy moment on a shared machine hits both alike.
  for (let i = 0; i < RUNS; i++) for (const mode of ['sources', 'compiled'] as const) times[mode].push(await c.run(mode))
  console.log(
    `${c.name.padEnd(36)} before (tsx sources) ${median(times.sources).toFixed(0).padStart(5)} ms   after (compiled) ${median(times.compiled).toFixed(0).padStart(5)} ms   (median of ${RUNS})`,
  )
}
