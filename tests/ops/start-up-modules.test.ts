import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, runBin } from './spawn-bin.js'
import { spawnServe } from '../support/spawn-serve.js'

// Start-up is mostly module loading: a command loads what it runs, and the heavy libraries load with their
// first use (docs/architecture.md). These spawn the bin with a hook that lists every module it loads.
const TRACE = path.resolve(import.meta.dirname, '../support/module-trace.ts')
const HEAVY = {
  'the openai SDK': /node_modules\/openai\//,
  "js-tiktoken's rank tables": /node_modules\/js-tiktoken\/dist\/ranks\//,
  "LangChain's splitter": /node_modules\/@langchain\//,
  'ajv (route validators)': /node_modules\/ajv\//,
  'pino-pretty': /node_modules\/pino-pretty\//,
  'pdf.js': /node_modules\/pdfjs-dist\//,
  'the OpenAPI document and UI (@fastify/swagger, swagger-ui)': /node_modules\/@fastify\/swagger/,
  'YAML (the OpenAPI document as YAML)': /node_modules\/yaml\//,
  '@fastify/static and send (the console and UI files)': /node_modules\/@fastify\/(static|send)\//,
  'prom-client and the OpenTelemetry API': /node_modules\/(prom-client|@opentelemetry)\//,
}

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-start-up-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The modules a process loaded (before a time: Date.now() of this process, the same clock). */
function traced(name: string): { env: NodeJS.ProcessEnv; modules: (before?: number) => string[] } {
  const file = path.join(dir, `${name}.txt`)
  return {
    // a chat and an embedding model configured (never called), pretty logs as on a terminal
    env: {
      RAGTUNE_MODULE_TRACE: file,
      RAGTUNE_CHAT_MODEL: 'gpt-4o-mini',
      RAGTUNE_EMBEDDING_MODEL: 'text-embedding-3-small',
      OPENAI_API_KEY: 'sk-test-unused',
      RAGTUNE_PRETTY_LOGS: '1',
      LOG_LEVEL: 'warn',
    },
    modules: (before = Infinity) =>
      fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([at]) => Number(at) < before)
        .map(([, url]) => url ?? ''),
  }
}

const heavyIn = (modules: string[]): string[] =>
  Object.entries(HEAVY)
    .filter(([, pattern]) => modules.some((m) => pattern.test(m)))
    .map(([name]) => name)

describe('what a command loads at start', () => {
  it('ragtune --help loads neither configuration (zod) nor the logger (pino)', async () => {
    const t = traced('help')
    const r = await runBin(['--help'], { env: t.env, nodeArgs: ['--import', TRACE] })
    expect(r.code).toBe(0)
    const modules = t.modules()
    expect(modules.filter((m) => /node_modules\/(zod|pino)\//.test(m))).toEqual([])
    expect(heavyIn(modules)).toEqual([])
  })

  it('ragtune documents list loads the store, not the models, tokenizer, splitter, PDF parser or answer code', async () => {
    const t = traced('list')
    const r = await runBin(['--data-dir', path.join(dir, 'data'), 'documents', 'list'], { env: t.env, nodeArgs: ['--import', TRACE] })
    expect(r.code).toBe(0)
    const modules = t.modules()
    expect(modules.some((m) => /node_modules\/better-sqlite3\//.test(m))).toBe(true)
    expect(heavyIn(modules)).toEqual([])
    expect(modules.filter((m) => /src\/core\/answer\/|hybrid-retriever/.test(m))).toEqual([])
  })

  it('ragtune serve is ready (/readyz 200) without loading any of them, nor the browser app or prom-client', async () => {
    const t = traced('serve')
    const { url, stop } = await spawnServe(['--import', TRACE, BIN, '--data-dir', path.join(dir, 'serve'), 'serve', '--port', '0'], {
      ...process.env,
      ...t.env,
      LOG_LEVEL: 'info',
      RAGTUNE_PRETTY_LOGS: '0',
    })
    // Once /readyz has answered 200, the server loads prom-client (src/http/metrics.ts) and the browser app
    // (src/http/browser-app.ts) in the background: what it loaded before the request that got that 200 was
    // sent is what it loaded to get ready.
    let sent: number | undefined
    try {
      for (let i = 0; ; i++) {
        sent = Date.now()
        const res = await fetch(`${url}/readyz`)
        if (res.status === 200) break
        expect(await res.json()).toMatchObject({ error: { code: 'starting' } })
        if (i > 1000) throw new Error('never ready')
        await new Promise((r) => setTimeout(r, 10))
      }
    } finally {
      await stop()
    }
    const atStart = t.modules(sent ?? 0)
    expect(atStart.some((m) => /node_modules\/fastify\//.test(m))).toBe(true)
    expect(heavyIn(atStart)).toEqual([])
  })
})
