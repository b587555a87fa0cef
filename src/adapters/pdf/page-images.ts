import { execFile } from 'node:child_process'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { OriginalStore, PageImages, PageWords } from '../../core/originals.js'
import { AppError } from '../../errors.js'
import { ppmToPng } from './ppm-to-png.js'

const run = promisify(execFile)

/**
 * Page images rendered on the server by poppler's `pdftoppm`, cached as files under `cacheDir`.
 * Chosen over pdf.js in the browser because a reader opening a citation wants one page of a 10-K, not
 * the whole file (1–10 MB, parsed before the first paint) plus a 1 MB viewer; a cached PNG is one
 * static file (bench/page-images.ts measures first renders and cached reads). pdftoppm runs as a child
 * process, so a slow render never blocks the event loop, and renders of the same page at once share one
 * process.
 */
export function createPageImages(options: {
  originals: OriginalStore
  cacheDir: string
  pdftoppm?: string
  pdftotext?: string
}): PageImages {
  const inFlight = new Map<string, Promise<string>>()
  const dirOf = (sha256: string): string => path.join(options.cacheDir, sha256.slice(0, 2), sha256)

  const once = async (key: string, file: string, make: (tmp: string) => Promise<void>): Promise<{ path: string; cached: boolean }> => {
    if (await exists(file)) return { path: file, cached: true }
    let pending = inFlight.get(key)
    if (pending === undefined) {
      pending = (async () => {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
        const tmp = `${file}.${process.pid}.tmp`
        try {
          await make(tmp)
          await rename(tmp, file)
        } finally {
          await rm(tmp, { force: true })
        }
        return file
      })().finally(() => inFlight.delete(key))
      inFlight.set(key, pending)
    }
    return { path: await pending, cached: false }
  }

  return {
    async png(sha256, page, width) {
      const file = path.join(dirOf(sha256), `${page}-${width}.png`)
      return once(file, file, async (tmp) => {
        const pdf = await options.originals.localPath(sha256)
        // -singlefile writes `<prefix>.ppm` (raw pixels; the PNG is encoded here, see ppm-to-png.ts).
        const prefix = `${tmp}-out`
        try {
          await tool(options.pdftoppm ?? 'pdftoppm', [
            '-f',
            `${page}`,
            '-l',
            `${page}`,
            '-singlefile',
            '-scale-to-x',
            `${width}`,
            '-scale-to-y',
            '-1',
            pdf,
            prefix,
          ])
          await writeFile(tmp, await ppmToPng(await readFile(`${prefix}.ppm`)))
        } finally {
          await rm(`${prefix}.ppm`, { force: true })
        }
      })
    },

    async words(sha256, page) {
      const file = path.join(dirOf(sha256), `${page}-words.json`)
      const { path: done } = await once(file, file, async (tmp) => {
        const pdf = await options.originals.localPath(sha256)
        const html = await tool(options.pdftotext ?? 'pdftotext', ['-f', `${page}`, '-l', `${page}`, '-bbox', pdf, '-'])
        await writeFile(tmp, JSON.stringify(parseBbox(html)))
      })
      return JSON.parse(await readFile(done, 'utf8')) as PageWords
    },

    async drop(sha256) {
      await rm(dirOf(sha256), { recursive: true, force: true })
    },
  }
}

async function tool(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 })
    return stdout
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(
        'renderer_unavailable',
        `${command} is not installed: install poppler-utils (apt-get install poppler-utils) to render page images`,
        { status: 501, cause: err },
      )
    }
    throw new AppError(
      'render_failed',
      `${command} could not render the page: ${String((err as { stderr?: string }).stderr ?? '')
        .trim()
        .slice(0, 200)}`,
      { status: 500, cause: err },
    )
  }
}

const WORD = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g
const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" }

/** pdftotext's `-bbox` XHTML: one `<page width height>` and its `<word>` elements. */
export function parseBbox(html: string): PageWords {
  const size = /<page width="([\d.]+)" height="([\d.]+)"/.exec(html)
  const words: [number, number, number, number, string][] = []
  for (const m of html.matchAll(WORD)) {
    const text = (m[5] ?? '').replace(/&(?:amp|lt|gt|quot|apos|#39);/g, (e) => ENTITIES[e] ?? e)
    words.push([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), text])
  }
  return { width: Number(size?.[1] ?? 612), height: Number(size?.[2] ?? 792), words }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}
