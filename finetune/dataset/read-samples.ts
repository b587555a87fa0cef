import fs from 'node:fs/promises'
import path from 'node:path'
import { errorBody } from '../../src/errors.js'
import { decodeText } from '../../src/core/ingest/file-type.js'
import { docxToPages } from '../../src/adapters/documents/docx-pages.js'
import { htmlToPages } from '../../src/adapters/documents/html-pages.js'

export const SAMPLE_EXTENSIONS = ['.txt', '.md', '.markdown', '.pdf', '.html', '.htm', '.docx'] as const

export interface SampleText {
  /** the source document: split, dedupe and report entries name it */
  readonly source: string
  /** html and docx samples arrive as Markdown (headings as `#` lines, one block per paragraph) */
  readonly kind: 'txt' | 'md' | 'pdf'
  readonly text: string
}

export interface SampleSkip {
  readonly source: string
  readonly reason: string
  readonly detail: string
}

/** Turns PDF bytes into text with page breaks as blank lines; the CLI passes the ingestion extractor. */
export type PdfTextReader = (bytes: Uint8Array) => Promise<string>

async function walk(p: string, out: string[], skips: SampleSkip[]): Promise<void> {
  let stat
  try {
    stat = await fs.stat(p)
  } catch {
    skips.push({ source: p, reason: 'not_found', detail: 'no such file or directory; check the path' })
    return
  }
  if (stat.isDirectory()) {
    const entries = (await fs.readdir(p)).sort()
    for (const e of entries) {
      if (e.startsWith('.')) continue
      const child = path.join(p, e)
      const s = await fs.stat(child)
      // Inside a folder, files of other types (manifests, images) are simply not samples.
      if (s.isDirectory() || SAMPLE_EXTENSIONS.some((x) => e.toLowerCase().endsWith(x))) await walk(child, out, skips)
    }
  } else out.push(p)
}

/** Sample files under the given paths, sorted within each folder, each listed once. */
export async function collectSampleFiles(paths: readonly string[]): Promise<{ files: string[]; skips: SampleSkip[] }> {
  const files: string[] = []
  const skips: SampleSkip[] = []
  for (const p of paths) await walk(p, files, skips)
  return { files: [...new Set(files)], skips }
}

function kindOf(file: string): SampleText['kind'] | undefined {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.txt') return 'txt'
  if (ext === '.md' || ext === '.markdown') return 'md'
  if (ext === '.pdf') return 'pdf'
  return undefined
}

/** Letters, speeches and transcripts as HTML or DOCX, through the ingestion readers: one paragraph per block. */
async function markupText(file: string, bytes: Uint8Array): Promise<string | undefined> {
  const ext = path.extname(file).toLowerCase()
  if (ext !== '.html' && ext !== '.htm' && ext !== '.docx') return undefined
  const { pages } = ext === '.docx' ? await docxToPages(bytes) : htmlToPages(decodeText(bytes))
  return pages.map((p) => p.text.split('\n').join('\n\n')).join('\n\n')
}

/** Reads every sample; a file that cannot be read is a skip with a reason, never the end of the run. */
export async function readSamples(
  paths: readonly string[],
  options: { readPdf?: PdfTextReader } = {},
): Promise<{ samples: SampleText[]; skips: SampleSkip[] }> {
  const { files, skips } = await collectSampleFiles(paths)
  const samples: SampleText[] = []
  for (const file of files) {
    const kind = kindOf(file) ?? (/\.(?:html?|docx)$/i.test(file) ? 'md' : undefined)
    if (kind === undefined) {
      skips.push({ source: file, reason: 'unsupported_type', detail: `use ${SAMPLE_EXTENSIONS.join(', ')} files` })
      continue
    }
    try {
      const bytes = await fs.readFile(file)
      let text: string
      const markup = await markupText(file, bytes)
      if (markup !== undefined) text = markup
      else if (kind === 'pdf') {
        if (options.readPdf === undefined) {
          skips.push({ source: file, reason: 'pdf_not_supported', detail: 'no PDF reader configured; convert it to .txt' })
          continue
        }
        text = await options.readPdf(new Uint8Array(bytes))
      } else text = bytes.toString('utf8').replace(/^\uFEFF/, '')
      if (text.trim() === '') {
        skips.push({ source: file, reason: 'empty_file', detail: 'the file has no text' })
        continue
      }
      samples.push({ source: file, kind, text })
    } catch (err) {
      const body = errorBody(err)
      skips.push({ source: file, reason: body.code === 'internal' ? 'unreadable' : body.code, detail: body.message })
    }
  }
  return { samples, skips }
}
