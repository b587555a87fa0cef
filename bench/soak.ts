/**
 * `npx tsx bench/soak.ts [--seconds N] [--idle-seconds N]`
 *
 * One listening server (port 0) with the OpenAI emulator as its model, under a mixed load for N seconds
 * (default 60): /v1/ask (JSON and SSE), /v1/chat/completions (JSON and streamed), uploads of new files and
 * a re-ingest of an existing one. Prints errors, p99 under load next to the unloaded p99, and RSS at the
 * start, after the load and after an idle period. Goals: 0 errors, RSS after idle within 20 % of the
 * start, p99 within 2× the unloaded p99. Prints figures; never fails on them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import vm from 'node:vm'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { buildDeps, closeDeps } from '../src/deps.js'
import { startOpenAIEmulator } from '../tests/support/openai-emulator.js'
import { makeReportPdf } from '../tests/support/pdf-fixtures.js'

const { values } = parseArgs({ options: { seconds: { type: 'string' }, 'idle-seconds': { type: 'string' } } })
const seconds = Number(values.seconds ?? 60)
const idleSeconds = Number(values['idle-seconds'] ?? 20)

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
const rssMb = (): number => {
  gc()
  return Math.round(process.memoryUsage().rss / 1048576)
}

const emulator = await startOpenAIEmulator({ apiKey: 'sk-soak' })
emulator.state.latencyMs = 20
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-soak-'))
const deps = await buildDeps(
  loadConfig({
    RAGTUNE_DATA_DIR: dir,
    OPENAI_BASE_URL: emulator.url,
    OPENAI_API_KEY: 'sk-soak',
    RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
    RAGTUNE_RATE_LIMIT: '0',
    RAGTUNE_INGEST_WORKERS: '1',
  }),
  pino({ level: 'silent' }),
)
const app = await buildApp(deps)
const base = await app.listen({ port: 0, host: '127.0.0.1' })

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
const unloaded: number[] = []
for (let i = 0; i < 120; i++) await timed(unloaded, () => (i % 2 === 0 ? ask(false) : chat(false)))
const rssStart = rssMb()

const loaded: number[] = []
const until = performance.now() + seconds * 1000
let uploads = 0
let requests = 0
const loop = async (call: () => Promise<void>, record: boolean): Promise<void> => {
  while (performance.now() < until) {
    if (record) await timed(loaded, call)
    else await call().catch((err: unknown) => note('upload', String(err)))
    requests++
  }
}
const pdfs = await Promise.all([1, 2, 3, 4].map((n) => makeReportPdf({ pages: 4 + n })))
await Promise.all([
  loop(() => ask(false), true),
  loop(() => ask(true), true),
  loop(() => ask(false), true),
  loop(() => chat(false), true),
  loop(() => chat(true), true),
  loop(async () => {
    uploads++
    // new documents, then a re-ingest of a seed filing (same name, new bytes: a new version)
    if (uploads % 3 === 0) await upload('acme-2021-10k.pdf', pdfs[uploads % pdfs.length]!)
    else await upload(`upload-${uploads}.pdf`, pdfs[uploads % pdfs.length]!)
  }, false),
])
const rssAfter = rssMb()
await new Promise((r) => setTimeout(r, idleSeconds * 1000))
const rssIdle = rssMb()

await app.close()
await closeDeps(deps)
await emulator.close()
fs.rmSync(dir, { recursive: true, force: true })

const unloadedP99 = p99(unloaded)
const loadedP99 = p99(loaded)
console.log(
  `soak: ${seconds} s, ${requests} requests (${loaded.length} asks/chat completions, ${uploads} uploads incl. re-ingests), ${os.availableParallelism()} cores (shared machine)`,
)
console.log(`errors: ${errors.length}${errors.length === 0 ? '' : `\n  ${errors.slice(0, 10).join('\n  ')}`}`)
console.log(
  `p99: ${loadedP99} ms under load vs ${unloadedP99} ms unloaded (${(loadedP99 / Math.max(unloadedP99, 0.1)).toFixed(2)}x; goal ≤ 2x)`,
)
console.log(
  `rss: start ${rssStart} MB, after load ${rssAfter} MB, after ${idleSeconds} s idle ${rssIdle} MB (${(((rssIdle - rssStart) / rssStart) * 100).toFixed(1)} %; goal within 20 %)`,
)
