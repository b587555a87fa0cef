import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** The Debian packages OCR needs, named in messages when they are missing. */
export const OCR_PACKAGES = 'tesseract-ocr tesseract-ocr-eng poppler-utils'
/** Rendering resolution: tesseract reads body text best at about 300 DPI. */
const DPI = 300

let available: boolean | undefined

/** Whether `tesseract` and poppler's `pdftoppm` are on PATH (looked up once per process). */
export function ocrAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  available ??= ['tesseract', 'pdftoppm'].every((tool) => onPath(tool, env.PATH ?? ''))
  return available
}

function onPath(tool: string, pathList: string): boolean {
  return pathList.split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, tool), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/**
 * Text of the given 1-based pages of a PDF, each rendered to a grayscale PNG by pdftoppm and read by
 * tesseract (English), one page at a time so memory stays at one page image. Runs inside a parse worker:
 * both tools are separate processes, so the worker thread only waits.
 */
export async function ocrPdfPages(bytes: Uint8Array, pages: readonly number[], signal?: AbortSignal): Promise<Map<number, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ragtune-ocr-'))
  try {
    const file = path.join(dir, 'scan.pdf')
    await writeFile(file, bytes)
    const out = new Map<number, string>()
    for (const page of pages) {
      const image = await run(
        'pdftoppm',
        ['-f', String(page), '-l', String(page), '-r', String(DPI), '-gray', '-png', file],
        undefined,
        signal,
      )
      const text = await run('tesseract', ['stdin', 'stdout', '-l', 'eng', '--psm', '3'], image, signal)
      out.set(page, text.toString('utf8'))
    }
    return out
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function run(command: string, args: readonly string[], input: Buffer | undefined, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(signal === undefined ? {} : { signal }) })
    const stdout: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => stdout.push(d))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout))
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().slice(0, 200)}`))
    })
    child.stdin.end(input)
  })
}
