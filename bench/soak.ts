/**
 * `npm run bench:soak -- [--seconds N] [--idle-seconds N] [--reference-seconds N] [--distinct-uploads N]`
 *
 * One listening server (port 0) in its own process (bench/soak-server.ts, forked), with the OpenAI
 * emulator as its model. The clients and the emulator run here, in the bench's process, as real clients and
 * a remote model run elsewhere: their work stays off the server's event loop (until 2026-12 the server
 * shared this process, so every client's request building and response parsing delayed the server's
 * callbacks and counted in its latency). Five query clients — /v1/ask (JSON and SSE),
 * /v1/chat/completions (JSON and streamed) — each send their next request when the last is answered:
 * first alone for the reference period (default min(20, N) s: the unloaded p99), then for N seconds
 * (default 60) beside a sixth client uploading new files and re-ingesting an existing one (the p99 under
 * load), then alone again on the corpus the load left (the reference the goal compares with: the uploads
 * grow the corpus about a hundredfold, which slows every search whatever else runs). Also printed: the
 * p99 one request at a time, the server's event-loop delay, retrieval-cache hit rates (every commit
 * retires cached retrievals, so under load some asks retrieve afresh), and the server's RSS before the
 * load and after it, each read after the same idle period (a corpus that grows with the uploads holds
 * more memory: `--distinct-uploads N` keeps it at N documents). RAGTUNE_* variables of the environment
 * configure the server. Goals: 0 errors, RSS after idle within 20 % of the start, p99 within 2× the
 * unloaded p99. Prints figures; never fails on them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startOpenAIEmulator } from '../tests/support/openai-emulator.js'
import { makeReportPdf } from '../tests/support/pdf-fixtures.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'idle-seconds': { type: 'string' },
    'reference-seconds': { type: 'string' },
    'distinct-uploads': { type: 'string' },
  },
})
const seconds = Number(values.seconds ?? 60)
const idleSeconds = Number(values['idle-seconds'] ?? 20)
const referenceSeconds = Number(values['reference-seconds'] ?? Math.min(20, seconds))
// 0: every upload is a new document (the corpus grows with the load); N: uploads cycle over N names, so
// after N documents they are new versions and the corpus stays the same size (memory growth vs. leaks)
const distinctUploads = Number(values['distinct-uploads'] ?? 0)

const emulator = await startOpenAIEmulator({ apiKey: 'sk-soak' })
emulator.state.latencyMs = 20
// The emulator records every request it answers (tests read them): here that would be memory held by the
// bench, not the server, growing with every answer (a heap snapshot showed it as the growth after idle).
setInterval(() => (emulator.state.requests.length = 0), 1000).unref()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-soak-'))
// the server's process: its environment is the bench's settings, then the RAGTUNE_* variables of the bench's own
// environment (RAGTUNE_INGEST_WORKERS=2, RAGTUNE_RETRIEVAL_CACHE=0…)
const server = fork(fileURLToPath(new URL('./soak-server.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx'],
  env: {
    ...process.env,
    OPENAI_BASE_URL: emulator.url,
    OPENAI_API_KEY: 'sk-soak',
    RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
    RAGTUNE_RATE_LIMIT: '0',
    RAGTUNE_INGEST_WORKERS: '1',
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('RAGTUNE_'))),
    RAGTUNE_DATA_DIR: dir,
  },
})
const replies = new Map<number, (value: unknown) => void>()
server.on('message', (m: { id: number; value: unknown }) => {
  replies.get(m.id)?.(m.value)
  replies.delete(m.id)
})
server.on('exit', (code) => {
  if (replies.size > 0) throw new Error(`the soak server exited (${code}) before answering`)
})
let nextId = 1
/** asks the server's process (bench/soak-server.ts) for one of its figures */
function serverCall<T>(type: 'stats' | 'memory' | 'delay-start' | 'delay-stop' | 'close'): Promise<T> {
  const id = nextId++
  return new Promise((resolve) => {
    replies.set(id, resolve as (value: unknown) => void)
    server.send({ id, type })
  })
}
const base = await new Promise<string>((resolve) => replies.set(0, resolve as (value: unknown) => void))
type Memory = { rss: number; detail: string }

const errors: string[] = []
const note = (what: string, detail: string): void => {
  if (errors.length < 1000) errors.push(`${what}: ${detail}`)
}

async function upload(name: string, data: Uint8Array): Promise<void> {
  const form = new FormData()
  form.append('file', new Blob([data]), name)
  const res = await fetch(`${base}/v1/documents`, { method: 'POST', body: form })
  if (res.status !== 202) return note('upload', `${res.status} ${await res.text()}`)
  const { jobId } = (await res.json()) as { jobId: string }
  for (;;) {
    await new Promise((r) => setTimeout(r, 100))
    const job = (await (await fetch(`${base}/v1/ingestions/${jobId}`)).json()) as {
      status: string
      results: { status: string; error?: { code: string } | null }[]
    }
    if (job.status === 'queued' || job.status === 'running') continue
    for (const r of job.results) if (r.status === 'failed') note('ingest', JSON.stringify(r.error))
    return
  }
}

const QUESTIONS = [
  'What was total revenue in fiscal 2023?',
  'How much was capital expenditure?',
  'What were operating expenses?',
  'What is the net income?',
]
let q = 0
async function ask(stream: boolean): Promise<void> {
  const res = await fetch(`${base}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: QUESTIONS[q++ % QUESTIONS.length], ...(stream ? { stream } : {}) }),
  })
  const body = await res.text()
  if (res.status !== 200) note('ask', `${res.status} ${body.slice(0, 200)}`)
  else if (stream && !body.includes('event: final')) note('ask stream', body.slice(-200))
}
async function chat(stream: boolean): Promise<void> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'ragtune', stream, messages: [{ role: 'user', content: QUESTIONS[q++ % QUESTIONS.length] }] }),
  })
  const body = await res.text()
  if (res.status !== 200) note('chat', `${res.status} ${body.slice(0, 200)}`)
  else if (stream && !body.includes('[DONE]')) note('chat stream', body.slice(-200))
}

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b)
  return Math.round((sorted[Math.floor(sorted.length * 0.99)] ?? 0) * 10) / 10
}
async function timed(latencies: number[], call: () => Promise<void>): Promise<void> {
  const t = performance.now()
  try {
    await call()
  } catch (err) {
    note('request', err instanceof Error ? err.message : String(err))
  }
  latencies.push(performance.now() - t)
}

// Seed three filings, then warm up and measure the unloaded latency one request at a time.
for (let i = 0; i < 3; i++) await upload(`acme-${2021 + i}-10k.pdf`, await makeReportPdf({ pages: 6 }))
const serial: number[] = []
for (let i = 0; i < 120; i++) await timed(serial, () => (i % 2 === 0 ? ask(false) : chat(false)))

let requests = 0
/** The five query clients (asks and chat completions, JSON and streamed), each sending its next request as its last is answered. */
const queryClients = (end: number, into: number[]): Promise<void>[] =>
  [() => ask(false), () => ask(true), () => ask(false), () => chat(false), () => chat(true)].map(async (call) => {
    while (performance.now() < end) {
      await timed(into, call)
      requests++
    }
  })

/** the retrieval cache's lookups so far (repeated questions on an unchanged corpus reuse their sources) */
const retrievalLookups = (): Promise<{ hits: number; misses: number }> => serverCall('stats')
const hitRate = async (before: { hits: number; misses: number }): Promise<string> => {
  const now = await retrievalLookups()
  const hits = now.hits - before.hits
  const misses = now.misses - before.misses
  return `${Math.round((100 * hits) / Math.max(1, hits + misses))} %`
}
// The unloaded reference: the same clients, the same questions, no uploads.
const unloaded: number[] = []
let statsBefore = await retrievalLookups()
await Promise.all(queryClients(performance.now() + referenceSeconds * 1000, unloaded))
const unloadedHits = await hitRate(statsBefore)
// the start, as the end is read: after the same idle period (V8 and malloc give memory back when idle,
// so a start read while busy would flatter, or hide, what the load left behind)
await new Promise((r) => setTimeout(r, idleSeconds * 1000))
const start = await serverCall<Memory>('memory')
statsBefore = await retrievalLookups()

const loaded: number[] = []
requests = 0
// how long the server's callbacks waited for its event loop
await serverCall('delay-start')
const until = performance.now() + seconds * 1000
let uploads = 0
const pdfs = await Promise.all([1, 2, 3, 4].map((n) => makeReportPdf({ pages: 4 + n })))
await Promise.all([
  ...queryClients(until, loaded),
  (async () => {
    while (performance.now() < until) {
      uploads++
      requests++
      // new documents, then a re-ingest of a seed filing (same name, new bytes: a new version)
      const n = distinctUploads > 0 ? ((uploads - 1) % distinctUploads) + 1 : uploads
      const name = uploads % 3 === 0 ? 'acme-2021-10k.pdf' : `upload-${n}.pdf`
      await upload(name, pdfs[uploads % pdfs.length]!).catch((err: unknown) => note('upload', String(err)))
    }
  })(),
])
const delay = await serverCall<{ p99: number; max: number }>('delay-stop')
const loadedHits = await hitRate(statsBefore)
const after = await serverCall<Memory>('memory')
await new Promise((r) => setTimeout(r, idleSeconds * 1000))
const idle = await serverCall<Memory>('memory')
// The reference again, on the corpus the load left (every upload added a document): the same clients on
// the same corpus as the end of the load, so the ratio is what the uploads cost the queries, not what the
// corpus's growth costs every search (bench/scale measures that).
const unloadedAfter: number[] = []
statsBefore = await retrievalLookups()
await Promise.all(queryClients(performance.now() + referenceSeconds * 1000, unloadedAfter))
const unloadedAfterHits = await hitRate(statsBefore)
const documents = ((await (await fetch(`${base}/v1/documents`)).json()) as { documents: unknown[] }).documents.length

await serverCall('close')
await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r(null)))
await emulator.close()
fs.rmSync(dir, { recursive: true, force: true })

const unloadedP99 = p99(unloaded)
const loadedP99 = p99(loaded)
const serialP99 = p99(serial)
const ratio = (a: number, b: number): string => `${(a / Math.max(b, 0.1)).toFixed(2)}x`
console.log(
  `soak: ${seconds} s, ${requests} requests (${loaded.length} asks/chat completions, ${uploads} uploads incl. re-ingests${distinctUploads > 0 ? ` over ${distinctUploads} names` : ''}), ${os.availableParallelism()} cores (shared machine); reference ${referenceSeconds} s, ${unloaded.length} requests`,
)
console.log(
  `server's event-loop delay under load: p99 ${delay.p99.toFixed(1)} ms, max ${delay.max.toFixed(1)} ms (the clients run in another process)`,
)
console.log(`errors: ${errors.length}${errors.length === 0 ? '' : `\n  ${errors.slice(0, 10).join('\n  ')}`}`)
const unloadedAfterP99 = p99(unloadedAfter)
console.log(
  `p99: ${loadedP99} ms under load vs ${unloadedAfterP99} ms unloaded on the corpus the load left (${documents} documents; same clients and questions, no uploads) (${ratio(loadedP99, unloadedAfterP99)}; goal ≤ 2x)`,
)
console.log(
  `  vs the unloaded p99 before the load, on the 3 seed documents: ${unloadedP99} ms (${ratio(loadedP99, unloadedP99)}; the corpus grew meanwhile)`,
)
console.log(`  one request at a time, no uploads: p99 ${serialP99} ms (under load ${ratio(loadedP99, serialP99)} of it)`)
console.log(`  retrieval-cache hits: ${unloadedHits} unloaded before, ${loadedHits} under load, ${unloadedAfterHits} unloaded after`)
console.log(
  `rss: start (after ${idleSeconds} s idle) ${start.rss} MB, after load ${after.rss} MB, after ${idleSeconds} s idle ${idle.rss} MB (${(((idle.rss - start.rss) / start.rss) * 100).toFixed(1)} %; goal within 20 %)`,
)
console.log(`  start: ${start.detail}; after load: ${after.detail}; after idle: ${idle.detail}`)
