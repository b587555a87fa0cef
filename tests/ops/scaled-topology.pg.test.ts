import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js'
import { freshSchema } from '../scale/scale-fixtures.js'
import { BIN, runBin } from './spawn-bin.js'

/**
 * The compose file's scaled profile without Docker, as docs/scale-out.md describes it: an index that does
 * not exist yet (the Pinecone emulator standing in for Pinecone Local), real PostgreSQL, `ragtune store
 * init` and a first admin key (the one-shot init), two `ragtune serve` replicas and one `ragtune worker`
 * as processes on ephemeral ports, and a round-robin load balancer in front.
 */
let db: Awaited<ReturnType<typeof freshSchema>>
let pinecone: PineconeEmulator
let lb: RoundRobinProxy
let dir: string
let env: Record<string, string>
let adminKey: string
const children: ChildProcess[] = []

function start(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  return { child, output: () => out }
}

async function until<T>(check: () => T | undefined | Promise<T | undefined>, what: string, output?: () => string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = await check()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`gave up waiting: ${what}\n${output?.() ?? ''}`)
}

async function serve(): Promise<string> {
  const p = start(['serve', '--port', '0', '--host', '127.0.0.1'])
  return until(() => /"url":"(http:[^"]+)"/.exec(p.output())?.[1], 'a replica listening', p.output)
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-scaled-'))
  db = await freshSchema()
  await db.pool() // creates the schema; ragtune's migrations fill it
  pinecone = await startPineconeEmulator({ exists: false, apiKey: 'pclocal', lagMs: 200 })
  env = {
    // one data dir: its uploads/ is the storage the replicas and the worker share (a volume in compose)
    RAGTUNE_DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: `${db.url}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`,
    RAGTUNE_VECTOR_STORE: 'pinecone',
    PINECONE_API_KEY: 'pclocal',
    PINECONE_INDEX: pinecone.indexName,
    PINECONE_CONTROLLER_HOST: pinecone.controllerUrl,
    RAGTUNE_INGEST_MODE: 'queue',
    RAGTUNE_INGEST_WORKERS: '1',
    LOG_LEVEL: 'info',
    RAGTUNE_PRETTY_LOGS: '0',
  }
  // the one-shot init: the index and the schema, then a first admin key written to a secret file
  const init = await runBin(['store', 'init', '--json'], { env })
  expect(init.code, init.stdout + init.stderr).toBe(0)
  expect(JSON.parse(init.stdout)).toMatchObject({ registry: 'postgres', index: { created: true } })
  const keyFile = path.join(dir, 'secrets', 'admin.key')
  const key = await runBin(['keys', 'create', '--scope', 'admin', '--if-none', '--out', keyFile], { env })
  expect(key.code).toBe(0)
  adminKey = fs.readFileSync(keyFile, 'utf8').trim()
  expect((fs.statSync(keyFile).mode & 0o777).toString(8)).toBe('600')
  const [a, b] = await Promise.all([serve(), serve()])
  start(['worker', '--json', '--concurrency', '1'])
  lb = await startRoundRobinProxy([a ?? '', b ?? ''])
}, 240_000)

afterAll(async () => {
  for (const c of children) c.kill('SIGTERM')
  await Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))))
  await lb?.close()
  await pinecone?.close()
  await db?.drop()
  fs.rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe('the scaled topology, without Docker', () => {
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${adminKey}` })

  it('init is idempotent: a second run creates neither an index nor a key', async () => {
    const again = await runBin(['store', 'init', '--json'], { env })
    expect(JSON.parse(again.stdout)).toMatchObject({ index: { created: false } })
    const key = await runBin(['keys', 'create', '--scope', 'admin', '--if-none', '--json'], { env })
    expect(JSON.parse(key.stdout)).toEqual({ created: false })
  })

  it('an upload through the load balancer is ingested by the worker and answered by both replicas', async () => {
    const ready = await fetch(`${lb.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', store: expect.stringContaining('pinecone') })

    const form = new FormData()
    form.append(
      'file',
      new Blob([
        '# Zephyr Tools 2023 annual report\n\nZephyr Tools revenue was 4,210 million dollars in fiscal 2023, up from 3,980 million.\n',
      ]),
      'zephyr-2023-annual-report.md',
    )
    const up = await fetch(`${lb.url}/v1/documents`, { method: 'POST', body: form, headers: auth() })
    expect(up.status).toBe(202)
    const { jobId } = (await up.json()) as { jobId: string }
    // polled through the balancer: either replica reads the job from PostgreSQL
    const job = await until(async () => {
      const j = (await (await fetch(`${lb.url}/v1/ingestions/${jobId}`, { headers: auth() })).json()) as { status: string }
      return j.status === 'succeeded' || j.status === 'failed' ? j : undefined
    }, 'the worker to finish the job')
    expect(job).toMatchObject({ status: 'succeeded', results: [expect.objectContaining({ status: 'ingested' })] })

    const before = new Map(lb.served)
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${lb.url}/v1/ask`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'What was Zephyr Tools revenue in fiscal 2023?' }),
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { answer: string; citations: { documentId: string }[] }
      expect(body.citations[0]?.documentId).toBe('zephyr-2023-annual-report')
      expect(body.answer).toContain('4,210')
    }
    // round robin: the two questions went to different replicas
    for (const [backend, n] of lb.served) expect(n - (before.get(backend) ?? 0), backend).toBe(1)
    // requests without a key are refused on every replica
    expect((await fetch(`${lb.url}/v1/documents`)).status).toBe(401)
  })
})
