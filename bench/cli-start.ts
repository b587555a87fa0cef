/**
 * Start-up cost of the `ragtune` command, by process spawns as a user runs it (`node bin/ragtune.js …`,
 * which runs the compiled dist/; `npm run build` first): `ragtune --help`, `ragtune documents list` on a
 * 27-document store (the FinanceBench filings, ingested once into bench/out/cli-store and reused), and
 * `ragtune serve` until `/readyz` first answers 200 (ready: listening and the store's integrity checked),
 * also with a chat model configured (never called).
 * The goals: ≤ 400 ms for each command, ≤ 1 s for the server. Prints medians; never fails.
 *
 *   npx tsx bench/cli-start.ts [--runs N] [--baseline DIR] [--sources]
 *   npx tsx bench/cli-start.ts --save-baseline DIR      copy the current build to DIR (a later --baseline)
 *
 * `--baseline DIR` times a build saved earlier by `--save-baseline` in the same run, alternating with the
 * current one, so a noisy moment on a shared machine hits both alike; `--sources` adds the TypeScript
 * sources through tsx (RAGTUNE_FROM_SOURCE=1, how every command ran before the build existed).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnServe } from '../tests/support/spawn-serve.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PDFS = path.resolve(ROOT, '../shared/data/financebench/pdfs')
const STORE = path.join(ROOT, 'bench/out/cli-store')
const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name)
  return at > 0 ? process.argv[at + 1] : undefined
}
const RUNS = Number(flag('--runs') ?? 7)

/** What a saved build needs to run as `node DIR/bin/ragtune.js`: the bin, its launcher, dist/, package.json (ESM, version). */
function saveBaseline(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
  for (const rel of ['dist', 'bin/ragtune.js', 'scripts/node22.mjs', 'package.json']) {
    fs.cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true })
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
}

const saveTo = flag('--save-baseline')
if (saveTo !== undefined) {
  saveBaseline(path.resolve(saveTo))
  console.log(`saved the current build to ${saveTo}`)
  process.exit(0)
}

interface Variant {
  readonly name: string
  readonly bin: string
  readonly env: NodeJS.ProcessEnv
}
const base = { ...process.env, LOG_LEVEL: 'warn' }
const baselineDir = flag('--baseline')
const variants: Variant[] = [
  ...(baselineDir === undefined
    ? []
    : [{ name: 'baseline', bin: path.resolve(baselineDir, 'bin/ragtune.js'), env: { ...base, RAGTUNE_FROM_SOURCE: '0' } }]),
  { name: 'current', bin: path.join(ROOT, 'bin/ragtune.js'), env: { ...base, RAGTUNE_FROM_SOURCE: '0' } },
  ...(process.argv.includes('--sources')
    ? [{ name: 'tsx sources', bin: path.join(ROOT, 'bin/ragtune.js'), env: { ...base, RAGTUNE_FROM_SOURCE: '1' } }]
    : []),
]

/** Wall time, and the CPU time (user + system) the process used: steadier than wall time on a busy machine. */
interface Timing {
  readonly wall: number
  readonly cpu: number
}

// GNU time reports a child's CPU time; without it the CPU column stays empty.
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
const cpuFile = path.join(os.tmpdir(), `ragtune-cli-start-${process.pid}.cpu`)

function timeCommand(v: Variant, args: string[]): Timing {
  const command = [process.execPath, v.bin, ...args]
  const t0 = process.hrtime.bigint()
  const r =
    TIME === undefined
      ? spawnSync(command[0] ?? '', command.slice(1), { env: v.env, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawnSync(TIME, ['-f', '%U %S', '-o', cpuFile, ...command], { env: v.env, stdio: ['ignore', 'ignore', 'pipe'] })
  const wall = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${v.name}: ragtune ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`)
  const cpu =
    TIME === undefined
      ? NaN
      : fs
          .readFileSync(cpuFile, 'utf8')
          .trim()
          .split(/\s+/)
          .slice(-2)
          .map(Number)
          .reduce((a, b) => a + b, 0) * 1000
  return { wall, cpu }
}

/** CPU time a running process has used so far, from /proc (Linux; clock ticks of 10 ms). */
function cpuSoFar(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return NaN
  }
}

/** From spawn to the first 200 from /readyz (port 0: the port is read from the listening log line). */
async function timeServe(v: Variant, env: NodeJS.ProcessEnv = {}): Promise<Timing> {
  const t0 = process.hrtime.bigint()
  const { child, url, stop } = await spawnServe([v.bin, '--data-dir', STORE, 'serve', '--port', '0'], {
    ...v.env,
    ...env,
    LOG_LEVEL: 'info',
    RAGTUNE_PRETTY_LOGS: '0',
  })
  try {
    for (;;) {
      const res = await fetch(`${url}/readyz`).catch(() => undefined)
      if (res?.status === 200) break
      await new Promise((r) => setTimeout(r, 5))
    }
    return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: cpuSoFar(child.pid) }
  } finally {
    await stop()
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

if (!fs.existsSync(path.join(ROOT, 'dist/bin/cli.js'))) {
  console.error('no dist/: run `npm run build` first')
  process.exit(1)
}
const current = variants.find((v) => v.name === 'current') as Variant
if (!fs.existsSync(path.join(STORE, '.complete'))) {
  console.error(`building the 27-document store in ${STORE} (once)…`)
  fs.rmSync(STORE, { recursive: true, force: true })
  const r = spawnSync(process.execPath, [current.bin, '--data-dir', STORE, 'ingest', PDFS, '--json'], {
    env: current.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) throw new Error('ingest failed')
  fs.writeFileSync(path.join(STORE, '.complete'), '')
}
const docs = spawnSync(process.execPath, [current.bin, '--data-dir', STORE, 'documents', 'list'], { env: current.env })
  .stdout.toString()
  .trim()
  .split('\n').length

const cases: Array<{ name: string; goal: number; run: (v: Variant) => Timing | Promise<Timing> }> = [
  { name: 'ragtune --help', goal: 400, run: (v) => timeCommand(v, ['--help']) },
  { name: `ragtune documents list (${docs} docs)`, goal: 400, run: (v) => timeCommand(v, ['--data-dir', STORE, 'documents', 'list']) },
  { name: 'ragtune serve → /readyz 200', goal: 1000, run: (v) => timeServe(v) },
  // A configured chat model (never called here: no question is asked) must not slow the start.
  {
    name: 'same, RAGTUNE_CHAT_MODEL set',
    goal: 1000,
    run: (v) => timeServe(v, { RAGTUNE_CHAT_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'sk-bench-unused' }),
  },
]
console.log(
  `node ${process.version}, ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
for (const c of cases) {
  const times = new Map<string, Timing[]>(variants.map((v) => [v.name, []]))
  // Alternate the variants so a noisy moment on a shared machine hits all alike.
  for (let i = 0; i < RUNS; i++) for (const v of variants) times.get(v.name)?.push(await c.run(v))
  const cols = variants.map((v) => {
    const t = times.get(v.name) ?? []
    const ms = (xs: number[]): string => median(xs).toFixed(0).padStart(5)
    return `${v.name} ${ms(t.map((x) => x.wall))} ms (cpu ${ms(t.map((x) => x.cpu))})`
  })
  console.log(`${c.name.padEnd(34)} ${cols.join('   ')}   goal ≤ ${c.goal} ms, median of ${RUNS}`)
}
console.log(
  `load average after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
