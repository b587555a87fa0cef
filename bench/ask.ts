/**
 * `npx tsx bench/ask.ts [--pdfs DIR] [--questions FILE] [--data-dir DIR] [--seconds N]`
 *
 * 1. Throughput and latency of POST /v1/ask in extractive mode (no chat model) over the ingested
 *    FinanceBench store, 32 concurrent keep-alive connections on a real listening server, next to a bare
 *    Fastify route returning a constant (the ceiling) in the same run; prints the ratio.
 * 2. The latency ragtune adds over a direct call to the OpenAI emulator (zero delay): the same chat
 *    requests ragtune sends, replayed straight to the emulator, against /v1/ask with that emulator as
 *    its model, one request at a time.
 * Prints figures; never fails on them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { main } from '../bin/cli.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/logger.js'
import { buildDeps, closeDeps } from '../src/deps.js'
import { buildApp, type AppDeps } from '../src/app.js'
import { createHybridRetriever } from '../src/core/retrieval/hybrid-retriever.js'
import { startOpenAIEmulator } from '../tests/support/openai-emulator.js'
import { percentile, runLoad, type LoadResult } from './load-generator.js'
import { createAnswerer } from '../src/core/answer/answerer.js'
import { createStaticVoiceResolver } from '../src/core/answer/static-voice-resolver.js'
import { createOpenAIChat } from '../src/adapters/openai-chat.js'
import type { Retrieval, Retriever } from '../src/core/retrieval/retriever.js'

const { values } = parseArgs({
  options: {
    pdfs: { type: 'string', default: '/work/shared/data/financebench/pdfs' },
    questions: { type: 'string', default: '/work/shared/data/financebench/questions.jsonl' },
    'data-dir': { type: 'string', default: 'bench/out/financebench-store' },
    seconds: { type: 'string', default: '10' },
  },
})
const dataDir = path.resolve(values['data-dir'])
const durationMs = Number(values.seconds) * 1000
const CONCURRENCY = 32

const questions = fs
  .readFileSync(values.questions, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { question: string }).question)
const bodies = questions.map((question) => JSON.stringify({ question }))

// 1. The store: ingested once with the real pipeline, reused by later runs (unchanged files are skipped).
const t0 = performance.now()
const quiet = new Writable({ write: (_c, _e, cb) => cb() })
const code = await main(['--data-dir', dataDir, 'ingest', values.pdfs, '--json'], { stdout: quiet, stderr: process.stderr, env: {} })
console.log(`store: ${dataDir} (ingest exit ${code}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`)

const logger = createLogger({ level: 'silent' })
const baseEnv = { RAGTUNE_DATA_DIR: dataDir, RAGTUNE_RATE_LIMIT: '0' }

async function listen(app: { listen: (o: { port: number; host: string }) => Promise<string> }): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' })
}

function line(name: string, r: LoadResult): string {
  return `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(7)} ms   p90 ${r.p90Ms.toFixed(2).padStart(7)} ms   p99 ${r.p99Ms.toFixed(2).padStart(7)} ms   max ${r.maxMs.toFixed(1).padStart(7)} ms   n=${r.requests} errors=${r.errors}`
}

// 2. Extractive /v1/ask vs the ceiling: with the retrieval cache (the default: the 62 questions repeat,
// as questions do in real use) and without it (every request retrieves and extracts).
const extractiveDeps = await buildDeps(loadConfig(baseEnv), logger)
const uncachedDeps = await buildDeps(loadConfig({ ...baseEnv, RAGTUNE_RETRIEVAL_CACHE: '0' }), logger)
const docs = await extractiveDeps.corpus.listDocuments()
// A server loads the SQLite store's keyword index into memory on a worker after its first question; the
// runs below measure the steady state, so wait for that load here (and say what it cost).
async function warmKeywordIndex(corpus: object): Promise<string> {
  const started = performance.now()
  const indexed = (await (corpus as { keywordIndexReady?: () => Promise<boolean> }).keywordIndexReady?.()) ?? false
  return indexed ? `yes (loaded in ${((performance.now() - started) / 1000).toFixed(1)} s on a worker)` : 'no (SQLite FTS5)'
}
console.log(`keyword index in memory: ${await warmKeywordIndex(extractiveDeps.corpus)}`)
await warmKeywordIndex(uncachedDeps.corpus)
const app = await buildApp(extractiveDeps)
const appUrl = await listen(app)
const uncachedApp = await buildApp(uncachedDeps)
const uncachedUrl = await listen(uncachedApp)
const bare = Fastify({ logger: false })
bare.post('/v1/ask', async () => ({ ok: true }))
const bareUrl = await listen(bare)

console.log(
  `documents: ${docs.length}, chunks: ${docs.reduce((n, d) => n + d.chunks, 0)}, questions: ${questions.length}, concurrency: ${CONCURRENCY}, ${durationMs / 1000} s per run, 2 cores shared by server and load generator`,
)
const ceiling = await runLoad({ url: `${bareUrl}/v1/ask`, method: 'POST', bodies, concurrency: CONCURRENCY, durationMs })
const ask = await runLoad({ url: `${appUrl}/v1/ask`, method: 'POST', bodies, concurrency: CONCURRENCY, durationMs })
const askUncached = await runLoad({ url: `${uncachedUrl}/v1/ask`, method: 'POST', bodies, concurrency: CONCURRENCY, durationMs })
console.log(line('bare Fastify (ceiling)', ceiling))
console.log(line('/v1/ask extractive', ask))
console.log(line('/v1/ask extractive, no cache', askUncached))
const ratio = (r: LoadResult): string => `${((r.rps / ceiling.rps) * 100).toFixed(1)} % of the ceiling, p99 ${r.p99Ms.toFixed(1)} ms`
console.log(`ratio: ${ratio(ask)} (goal ≥ 25 %, p99 ≤ 50 ms)`)
console.log(`  retrieval cache: ${cacheStats(extractiveDeps)}`)
console.log(`ratio with the cache off: ${ratio(askUncached)}`)
console.log(`  breakdown, cache off (sequential pass, p50): ${await timingsPass(uncachedUrl)}`)
await uncachedApp.close()

// 2b. The same requests with retrieval replayed from memory (each question's real sources, captured once):
// what HTTP, auth, metrics and the answer pipeline cost on their own.
const recorded = new Map<string, Retrieval>()
const real = createHybridRetriever({ corpus: extractiveDeps.corpus })
for (const q of questions) recorded.set(q, await real.retrieve(q))
const replay: Retriever = {
  async retrieve(question) {
    const r = recorded.get(question)
    if (r === undefined) throw new Error(`no recorded retrieval for ${question}`)
    return r
  },
}
const replayApp = await buildApp({
  ...extractiveDeps,
  answerer: createAnswerer({ retriever: replay, voices: createStaticVoiceResolver({ chatModel: undefined }), logger }),
})
const replayUrl = await listen(replayApp)
const askReplay = await runLoad({ url: `${replayUrl}/v1/ask`, method: 'POST', bodies, concurrency: CONCURRENCY, durationMs })
console.log(line('/v1/ask extractive, replayed retrieval', askReplay))
console.log(
  `ratio without retrieval: ${((askReplay.rps / ceiling.rps) * 100).toFixed(1)} % of the ceiling; p99 ${askReplay.p99Ms.toFixed(1)} ms`,
)
await replayApp.close()
await app.close()
await bare.close()

// 3. Overhead over a direct model call.
const emu = await startOpenAIEmulator({ apiKey: 'sk-bench' })
const chatDeps = await buildDeps(
  loadConfig({
    ...baseEnv,
    OPENAI_BASE_URL: emu.url,
    OPENAI_API_KEY: 'sk-bench',
    RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
    RAGTUNE_MODEL_MAX_RETRIES: '0',
  }),
  logger,
)
await warmKeywordIndex(chatDeps.corpus)
const chatApp = await buildApp(chatDeps)
const chatUrl = await listen(chatApp)
// One pass over the questions records the exact requests ragtune sends (and warms caches both sides).
const chatTimings = await timingsPass(chatUrl)
const upstreamBodies = emu.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => JSON.stringify(r.body))
const seqMs = Math.max(3000, durationMs / 2)
const direct = await runLoad({
  url: `${emu.url}/chat/completions`,
  method: 'POST',
  bodies: upstreamBodies,
  headers: { authorization: 'Bearer sk-bench' },
  concurrency: 1,
  durationMs: seqMs,
})
const viaRagtune = await runLoad({ url: `${chatUrl}/v1/ask`, method: 'POST', bodies, concurrency: 1, durationMs: seqMs })
console.log(line('emulator direct (1 conn)', direct))
console.log(line('/v1/ask generated (1 conn)', viaRagtune))
console.log(
  `ragtune adds ${(viaRagtune.p50Ms - direct.p50Ms).toFixed(2)} ms at p50 over a direct model call (goal ≤ 5 ms); p99 +${(viaRagtune.p99Ms - direct.p99Ms).toFixed(2)} ms`,
)
console.log(`  breakdown (sequential pass, p50): ${chatTimings}`)

// 3b. The same, retrieval replayed: the overhead of HTTP + answer pipeline + adapter alone.
const replayChat = createOpenAIChat({ model: 'gpt-4o-mini', baseURL: emu.url, apiKey: 'sk-bench', timeoutMs: 60_000, maxRetries: 0 })
const replayChatApp = await buildApp({
  ...chatDeps,
  answerer: createAnswerer({
    retriever: replay,
    chat: replayChat,
    voices: createStaticVoiceResolver({ chatModel: 'gpt-4o-mini' }),
    logger,
  }),
})
const replayChatUrl = await listen(replayChatApp)
await timingsPass(replayChatUrl)
const viaReplay = await runLoad({ url: `${replayChatUrl}/v1/ask`, method: 'POST', bodies, concurrency: 1, durationMs: seqMs })
console.log(line('/v1/ask gen., replayed retr.', viaReplay))
console.log(`without retrieval ragtune adds ${(viaReplay.p50Ms - direct.p50Ms).toFixed(2)} ms at p50 over a direct model call`)
await replayChatApp.close()
await chatApp.close()
await closeDeps(chatDeps)
await closeDeps(extractiveDeps)
await closeDeps(uncachedDeps)
await emu.close()

function cacheStats(deps: AppDeps): string {
  const stats = deps.caches?.stats().find((s) => s.name === 'retrieval')
  return stats === undefined ? 'n/a' : `${stats.hits} hits, ${stats.misses} misses`
}

/** One request per question, one at a time: where the time goes, from the answers' own timings. */
async function timingsPass(url: string): Promise<string> {
  const retrieval: number[] = []
  const rest: number[] = []
  const model: number[] = []
  for (const body of bodies) {
    const res = await fetch(`${url}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const t = ((await res.json()) as { timings: { retrievalMs: number; modelMs: number; totalMs: number } }).timings
    retrieval.push(t.retrievalMs)
    model.push(t.modelMs)
    rest.push(t.totalMs - t.retrievalMs - t.modelMs)
  }
  const p50 = (xs: number[]): string =>
    percentile(
      xs.sort((a, b) => a - b),
      0.5,
    ).toFixed(2)
  return `retrieval ${p50(retrieval)} ms, model call ${p50(model)} ms, rest of the answer pipeline (context, prompt, fact-lock / extraction) ${p50(rest)} ms`
}
