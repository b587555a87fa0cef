import fs from 'node:fs'
import { getEventListeners } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps } from '../../src/deps.js'
import { createParserPool, PARSE_NICE } from '../../src/adapters/pdf/parser-pool.js'
import { postDocuments, waitForIngestion } from '../support/multipart.js'

// The test process is not started with --expose-gc: switch it on and fetch `gc` from a fresh context.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

async function settledMemory(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((r) => setImmediate(r))
  }
  const m = process.memoryUsage()
  return m.external + m.heapUsed
}

/** A text file of `mb` MB: one sentence and a run of blanks (cheap to parse, heavy to keep). */
function bigText(mb: number, n: number): Buffer {
  return Buffer.concat([Buffer.from(`Company ${n} revenue was ${n} million in 2020.\n`), Buffer.alloc(mb * 1024 * 1024, 0x20)])
}

describe('uploads do not stay in memory', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  it('leaves no listener on a long-lived signal after each parse', async () => {
    const pool = createParserPool({ logger: pino({ level: 'silent' }), size: 1 })
    const lifetime = new AbortController()
    try {
      for (let i = 0; i < 3; i++) {
        await pool.parse({ name: `f${i}.txt`, kind: 'txt', bytes: bigText(0, i), maxPages: 10 }, { signal: lifetime.signal })
      }
      await expect(
        pool.parse({ name: 'empty.txt', kind: 'txt', bytes: new Uint8Array(0), maxPages: 10 }, { signal: lifetime.signal }),
      ).rejects.toMatchObject({ code: 'empty_file' })
      expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(0)
    } finally {
      await pool.close()
    }
  })

  it('ends a parse worker left idle, and starts a fresh one for the next file', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
    const pool = createParserPool({ logger, size: 1, idleMs: 100 })
    const ended = (): number => lines.filter((l) => l.includes('parse worker idle; ended')).length
    try {
      const parse = (n: number): Promise<unknown> => pool.parse({ name: `f${n}.txt`, kind: 'txt', bytes: bigText(0, n), maxPages: 10 })
      await parse(1)
      await parse(2)
      // back to back: the same worker, still there
      expect(ended()).toBe(0)
      await new Promise((r) => setTimeout(r, 400))
      expect(ended()).toBe(1)
      await expect(parse(3)).resolves.toMatchObject({ pages: 1 })
      await new Promise((r) => setTimeout(r, 400))
      expect(ended()).toBe(2)
    } finally {
      await pool.close()
    }
  })

  it('starts a worker per file waiting, not the whole pool for one file', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
    const pool = createParserPool({ logger, size: 4, idleMs: 100 })
    const ended = (): number => lines.filter((l) => l.includes('parse worker idle; ended')).length
    try {
      await pool.parse({ name: 'one.txt', kind: 'txt', bytes: bigText(0, 1), maxPages: 10 })
      await new Promise((r) => setTimeout(r, 400))
      expect(ended()).toBe(1)
      // two at once: two workers
      await Promise.all([1, 2].map((n) => pool.parse({ name: `f${n}.txt`, kind: 'txt', bytes: bigText(0, n), maxPages: 10 })))
      await new Promise((r) => setTimeout(r, 400))
      expect(ended()).toBe(3)
    } finally {
      await pool.close()
    }
  })

  it('parses on threads that run below the priority of the thread that answers (Linux)', async () => {
    const niceOf = (task: string): number | undefined => {
      // /proc/<pid>/task/<tid>/stat: the 19th field is the nice value (after the parenthesised name)
      const stat = fs.readFileSync(`/proc/self/task/${task}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
    }
    if (!fs.existsSync('/proc/thread-self')) return
    const main = niceOf(String(process.pid)) as number
    const pool = createParserPool({ logger: pino({ level: 'silent' }), size: 1 })
    try {
      await pool.parse({ name: 'f.txt', kind: 'txt', bytes: bigText(0, 1), maxPages: 10 })
      const nices = fs.readdirSync('/proc/self/task').map(niceOf)
      expect(nices).toContain(Math.min(19, main + PARSE_NICE))
    } finally {
      await pool.close()
    }
  })

  it('returns memory to its baseline after 12 uploads of 6 MB through parse workers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-leak-'))
    dirs.push(dir)
    const deps = await buildDeps(
      loadConfig({ RAGTUNE_DATA_DIR: dir, RAGTUNE_INGEST_WORKERS: '1', RAGTUNE_MAX_FILE_MB: '8' }),
      pino({ level: 'silent' }),
    )
    const app = await buildApp(deps)
    const upload = async (n: number): Promise<void> => {
      const reply = await postDocuments(app, [{ name: `company-${n}.txt`, data: bigText(6, n) }])
      expect(reply.statusCode).toBe(202)
      const job = await waitForIngestion(app, reply.json<{ jobId: string }>().jobId, { everyMs: 20, tries: 3000 })
      expect(job.results[0]?.status).toBe('ingested')
    }
    try {
      await upload(0) // warm-up: workers, caches and the store reach their working size
      const baseline = await settledMemory()
      for (let n = 1; n <= 12; n++) await upload(n)
      const after = await settledMemory()
      // 12 × 6 MB would stay if each upload's bytes were retained; allow a generous 24 MB of noise.
      expect((after - baseline) / 1048576).toBeLessThan(24)
    } finally {
      await app.close()
      await closeDeps(deps)
    }
  })
})
