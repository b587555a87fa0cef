/**
 * Ingest throughput per file format on generated corpora that carry the same text: every format gets
 * the same pages (each ~20 sentences of filing-like prose and a small statement table), as PDF pages,
 * EDGAR-style HTML pages (page-break divs), DOCX sections (one heading per page-sized section), XLSX
 * sheets and PPTX slides. Each corpus goes through the real pipeline (parse workers, chunker, SQLite)
 * into its own temporary store after a warm-up; the figure is pages (or units) per second. Prints
 * figures; never fails on them. Run on a quiet machine for numbers worth comparing.
 *
 *   npx tsx bench/ingest-formats.ts [--files N] [--pages N] [--rounds N]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import PDFDocument from 'pdfkit'
import pino from 'pino'
import { createSqliteCorpus } from '../src/adapters/sqlite/sqlite-corpus.js'
import { createParserPool } from '../src/adapters/pdf/parser-pool.js'
import { ingestPaths } from '../src/core/ingest/ingest-paths.js'
import { collect } from '../tests/support/pdf-fixtures.js'
import { makeDocx, makePptx, makeXlsx } from '../tests/support/office-fixtures.js'

const WORDS = [
  'revenue',
  'margin',
  'segment',
  'customers',
  'capital',
  'expenditure',
  'inventory',
  'freight',
  'pricing',
  'demand',
  'operating',
  'income',
  'dividend',
  'repurchase',
  'liquidity',
  'credit',
  'facility',
  'guidance',
  'backlog',
  'supply',
]

/** Deterministic filing-like prose: page p of document d. */
function pageText(d: number, p: number): { sentences: string[]; rows: string[][] } {
  const sentences: string[] = []
  for (let s = 0; s < 20; s++) {
    const words = Array.from({ length: 16 }, (_, w) => WORDS[(d * 7 + p * 13 + s * 5 + w * 3) % WORDS.length] ?? '')
    sentences.push(`The ${words.join(' ')} rose ${(d + p + s) % 17} percent in fiscal ${2015 + ((p + s) % 9)}.`)
  }
  const rows = [
    ['Item', '2023', '2022'],
    ...Array.from({ length: 5 }, (_, r) => [
      `Line ${r + 1} ${WORDS[(p + r) % WORDS.length] ?? ''}`,
      `${1000 + d * 10 + r}`,
      `${900 + p + r}`,
    ]),
  ]
  return { sentences, rows }
}

async function pdf(d: number, pages: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 72, autoFirstPage: false })
  for (let p = 1; p <= pages; p++) {
    const { sentences, rows } = pageText(d, p)
    doc.addPage().font('Helvetica').fontSize(9)
    doc.text(`Section ${p}`).text(sentences.join(' '))
    for (const row of rows) doc.text(row.join('    '))
  }
  return collect(doc)
}

function html(d: number, pages: number): string {
  const body = Array.from({ length: pages }, (_, i) => {
    const { sentences, rows } = pageText(d, i + 1)
    const table = `<table>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`
    return `<p><b>Section ${i + 1}</b></p><p>${sentences.join(' ')}</p>${table}<p style="text-align:center">${i + 1}</p><div style="page-break-after:always"></div>`
  })
  return `<html><body><div style="display:none"><ix:header>hidden</ix:header></div>${body.join('\n')}</body></html>`
}

function docx(d: number, pages: number): Promise<Buffer> {
  return makeDocx(
    Array.from({ length: pages }, (_, i) => {
      const { sentences, rows } = pageText(d, i + 1)
      return [`# Section ${i + 1}`, sentences.join(' '), ...rows.map((r) => `|${r.join('|')}|`)]
    }).flat(),
  )
}

function xlsx(d: number, pages: number): Promise<Buffer> {
  const sheets: Record<string, string[][]> = {}
  for (let i = 0; i < pages; i++) {
    const { sentences, rows } = pageText(d, i + 1)
    sheets[`Sheet ${i + 1}`] = [...rows, ...sentences.map((s, j) => [`Note ${j + 1}`, s])]
  }
  return makeXlsx(sheets)
}

function pptx(d: number, pages: number): Promise<Buffer> {
  return makePptx(
    Array.from({ length: pages }, (_, i) => {
      const { sentences } = pageText(d, i + 1)
      return { title: `Section ${i + 1}`, text: sentences.slice(0, 12), notes: sentences.slice(12).join(' ') }
    }),
  )
}

const FORMATS = {
  pdf: { ext: 'pdf', make: pdf },
  html: { ext: 'htm', make: async (d: number, p: number) => html(d, p) },
  docx: { ext: 'docx', make: docx },
  xlsx: { ext: 'xlsx', make: xlsx },
  pptx: { ext: 'pptx', make: pptx },
} as const

/**
 * Steady-state rate: every worker first parses a small file of the format (loading its reader and
 * warming the JIT), into the same store, then the corpus is timed. The warm-up is printed apart, since a
 * long-running server pays it once.
 */
async function ingestCorpus(
  dir: string,
  warmup: string,
): Promise<{ pages: number; chunks: number; failed: number; seconds: number; warmupSeconds: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-bench-formats-'))
  const logger = pino({ level: 'warn' })
  const corpus = createSqliteCorpus({ path: path.join(tmp, 'ragtune.db'), logger })
  const parser = createParserPool({ logger })
  try {
    const deps = { corpus, parser, logger, limits: { maxFileBytes: 200 * 1048576, maxPages: 5000 } }
    const warm = performance.now()
    await ingestPaths(deps, [warmup])
    const warmupSeconds = (performance.now() - warm) / 1000
    const started = performance.now()
    const { summary, results } = await ingestPaths(deps, [dir])
    for (const r of results.filter((x) => x.status === 'failed'))
      console.error(`  failed: ${r.file}: ${r.error?.code ?? ''} ${r.error?.message ?? ''}`)
    return {
      pages: summary.pages,
      chunks: summary.chunks,
      failed: summary.failed,
      seconds: (performance.now() - started) / 1000,
      warmupSeconds,
    }
  } finally {
    await parser.close()
    await corpus.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

const { values } = parseArgs({ options: { files: { type: 'string' }, pages: { type: 'string' }, rounds: { type: 'string' } } })
const files = Number(values.files ?? 6)
const pages = Number(values.pages ?? 40)
const rounds = Number(values.rounds ?? 2)
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-formats-'))
try {
  for (const [name, f] of Object.entries(FORMATS)) {
    const dir = path.join(root, name)
    fs.mkdirSync(dir)
    for (let d = 0; d < files; d++) fs.writeFileSync(path.join(dir, `doc-${d}.${f.ext}`), await f.make(d, pages))
    const warm = path.join(root, `${name}-warmup`)
    fs.mkdirSync(warm)
    // One small file per parse worker (different content, so none is skipped as unchanged).
    for (let w = 0; w < os.availableParallelism(); w++) fs.writeFileSync(path.join(warm, `warm-${w}.${f.ext}`), await f.make(100 + w, 3))
  }
  console.log(
    `ingest per format: ${files} files × ${pages} pages each, same text in every format, ${os.availableParallelism()} parse workers, ${rounds} rounds (median)`,
  )
  const rates: Record<string, number[]> = {}
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no format always runs first (cold caches) or last.
    const names = Object.keys(FORMATS)
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)]
    for (const name of order) {
      const r = await ingestCorpus(path.join(root, name), path.join(root, `${name}-warmup`))
      ;(rates[name] ??= []).push(r.pages / r.seconds)
      if (round === rounds - 1) {
        const sorted = [...(rates[name] ?? [])].sort((a, b) => a - b)
        const median = sorted[Math.floor(sorted.length / 2)] ?? 0
        rates[`${name}:median`] = [median]
        console.log(
          `${name.padEnd(5)} ${median.toFixed(1).padStart(7)} pages/s  (${r.pages} pages, ${r.chunks} chunks, ${r.failed} failed; rounds ${(rates[name] ?? []).map((x) => x.toFixed(1)).join(', ')}; warm-up ${r.warmupSeconds.toFixed(1)} s)`,
        )
      }
    }
  }
  const pdfRate = rates['pdf:median']?.[0] ?? 0
  for (const name of ['html', 'docx', 'xlsx', 'pptx']) {
    console.log(`${name} / pdf pages/s: ${((rates[`${name}:median`]?.[0] ?? 0) / pdfRate).toFixed(2)}×`)
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true })
}
