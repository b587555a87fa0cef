/**
 * Page images as a reader gets them: a 10-K is uploaded over HTTP to a server on a temporary store,
 * then pages are fetched as PNG (`?format=png&width=W`) — each once cold (rendered by pdftoppm) and
 * then again from the cache. Prints figures; never fails on them.
 *
 *   npx tsx bench/page-images.ts [--pdf FILE] [--width 1000] [--pages 8] [--repeats 20]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { execFile } from 'node:child_process'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { buildDeps, closeDeps } from '../src/deps.js'

const DEFAULT_PDF = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/financebench/pdfs/3M_2018_10K.pdf')
const { values } = parseArgs({
  options: { pdf: { type: 'string' }, width: { type: 'string' }, pages: { type: 'string' }, repeats: { type: 'string' } },
})
const run = promisify(execFile)
const pdf = values.pdf ?? DEFAULT_PDF
const width = Number(values.width ?? 1000)
const sample = Number(values.pages ?? 8)
const repeats = Number(values.repeats ?? 20)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-bench-pages-'))
const deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: dir, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }))
const app = await buildApp(deps)
await app.listen({ port: 0, host: '127.0.0.1' })
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

try {
  const form = new FormData()
  form.append('file', new Blob([fs.readFileSync(pdf)]), path.basename(pdf))
  const { statusUrl } = (await (await fetch(`${base}/v1/documents`, { method: 'POST', body: form })).json()) as { statusUrl: string }
  let job: { status: string; results: { documentId: string; version: number; pages: number }[] }
  do {
    await new Promise((r) => setTimeout(r, 200))
    job = (await (await fetch(`${base}${statusUrl}`)).json()) as typeof job
  } while (job.status !== 'succeeded' && job.status !== 'failed')
  const doc = job.results[0]
  if (job.status !== 'succeeded' || doc === undefined) throw new Error(`ingest failed: ${JSON.stringify(job)}`)
  // Pages spread over the document (cover, notes, statements), each rendered once.
  const pages = Array.from({ length: sample }, (_, i) => 1 + Math.floor((i * (doc.pages - 1)) / Math.max(1, sample - 1)))
  const get = async (page: number): Promise<{ ms: number; cache: string; bytes: number }> => {
    const t = performance.now()
    const res = await fetch(`${base}/v1/documents/${doc.documentId}/versions/${doc.version}/pages/${page}?format=png&width=${width}`)
    const bytes = (await res.arrayBuffer()).byteLength
    if (res.status !== 200) throw new Error(`page ${page}: HTTP ${res.status}`)
    return { ms: performance.now() - t, cache: res.headers.get('x-cache') ?? '?', bytes }
  }
  const cold = []
  for (const p of pages) cold.push(await get(p))
  const warm = []
  for (let r = 0; r < repeats; r++) for (const p of pages) warm.push(await get(p))
  const stats = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b)
    const q = (f: number): string => (s[Math.min(s.length - 1, Math.floor(f * s.length))] ?? 0).toFixed(1)
    return `median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`
  }
  // For comparison: the same pages encoded by pdftoppm's own -png (libpng's default compression).
  const libpng = []
  for (const p of pages) {
    const t = performance.now()
    await run('pdftoppm', [
      '-f',
      `${p}`,
      '-l',
      `${p}`,
      '-png',
      '-singlefile',
      '-scale-to-x',
      `${width}`,
      '-scale-to-y',
      '-1',
      pdf,
      path.join(dir, 'cmp'),
    ])
    libpng.push(performance.now() - t)
  }
  const kb = cold.reduce((a, c) => a + c.bytes, 0) / cold.length / 1024
  console.log(
    `page-images: ${path.basename(pdf)} (${doc.pages} pages), width ${width} px, pages ${pages.join(',')}; ${os.cpus().length} CPUs, shared machine`,
  )
  console.log(
    `page-images: first render (cache ${[...new Set(cold.map((c) => c.cache))].join('/')}) ${stats(cold.map((c) => c.ms))}; ${kb.toFixed(0)} KB per PNG`,
  )
  console.log(`page-images: pdftoppm -png alone (for comparison) ${stats(libpng)}`)
  console.log(
    `page-images: cached (cache ${[...new Set(warm.map((c) => c.cache))].join('/')}, ${warm.length} requests) ${stats(warm.map((c) => c.ms))}`,
  )
} finally {
  await app.close()
  await closeDeps(deps)
  fs.rmSync(dir, { recursive: true, force: true })
}
