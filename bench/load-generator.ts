import { Worker } from 'node:worker_threads'

/**
 * A small closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next
 * request as soon as the previous answer is read, for a fixed duration. It runs in a worker thread so the
 * client's own work does not share an event loop with the server under test.
 */
export interface LoadOptions {
  readonly url: string
  readonly method: 'GET' | 'POST'
  /** JSON bodies, used round-robin (POST) */
  readonly bodies?: readonly string[]
  readonly headers?: Record<string, string>
  readonly concurrency: number
  readonly durationMs: number
  readonly warmupMs?: number
}

export interface LoadResult {
  readonly requests: number
  readonly errors: number
  readonly statuses: Record<string, number>
  readonly rps: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

// Plain JavaScript: a worker started with `eval` gets no TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const o = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency })
const url = new URL(o.url)
let next = 0
function once() {
  return new Promise((resolve) => {
    const body = o.method === 'POST' ? o.bodies[next++ % o.bodies.length] : undefined
    const headers = { ...o.headers }
    if (body !== undefined) { headers['content-type'] = 'application/json'; headers['content-length'] = Buffer.byteLength(body) }
    const t = process.hrtime.bigint()
    const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: o.method, headers }, (res) => {
      res.on('data', () => {})
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 }))
    })
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t) / 1e6 }))
    if (body !== undefined) req.write(body)
    req.end()
  })
}
async function phase(ms, record) {
  const end = Date.now() + ms
  const lat = []
  const statuses = {}
  async function loop() {
    while (Date.now() < end) {
      const r = await once()
      if (record) { lat.push(r.ms); statuses[r.status] = (statuses[r.status] || 0) + 1 }
    }
  }
  const started = process.hrtime.bigint()
  await Promise.all(Array.from({ length: o.concurrency }, loop))
  return { lat, statuses, elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 }
}
;(async () => {
  if (o.warmupMs > 0) await phase(o.warmupMs, false)
  const r = await phase(o.durationMs, true)
  agent.destroy()
  parentPort.postMessage(r)
})()
`

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { ...options, bodies: options.bodies ?? [], headers: options.headers ?? {}, warmupMs: options.warmupMs ?? 1000 },
    })
    worker.once('error', reject)
    worker.once('message', (r: { lat: number[]; statuses: Record<string, number>; elapsedMs: number }) => {
      void worker.terminate()
      const lat = Float64Array.from(r.lat).sort()
      const ok = r.statuses['200'] ?? 0
      resolve({
        requests: lat.length,
        errors: lat.length - ok,
        statuses: r.statuses,
        rps: lat.length / (r.elapsedMs / 1000),
        p50Ms: percentile(lat, 0.5),
        p90Ms: percentile(lat, 0.9),
        p99Ms: percentile(lat, 0.99),
        maxMs: lat.at(-1) ?? 0,
      })
    })
  })
}

export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}
