import fs from 'node:fs'
import { PRIVATE_FILE_MODE } from '../private-files.js'
import type { IndexParts } from './fts-index-parts.js'

/**
 * The in-memory keyword index saved beside the store (`<store file>.keyword-index`), so a restarted
 * process reads one file instead of walking every token instance of FTS5 again (that walk grows with
 * the corpus: bench/scale/run.ts prints both as "index s"). The image names the corpus snapshot it was
 * read from (`IndexParts.fingerprint`: documents, active versions, chunk rows) and the weights: it is
 * used only when both equal the store's now, and rewritten after every fresh read. It is derived data:
 * deleting it costs one slow start.
 *
 * Layout: "RTKI", a uint32 header length, the JSON header (version, fingerprint, weights, tokenize, rows,
 * terms, array lengths), padding to 8 bytes, then the arrays in the order of ARRAYS, each padded to 8.
 */
const MAGIC = 'RTKI'
const VERSION = 1
const ARRAYS = ['termStart', 'rowIds', 'weighted', 'posStart', 'pos', 'rowLength'] as const
type ArrayName = (typeof ARRAYS)[number]

interface Header {
  readonly version: number
  readonly fingerprint: string
  readonly weights: { readonly header: number; readonly text: number }
  readonly tokenize: string
  readonly rows: number
  readonly terms: string[]
  readonly lengths: Record<ArrayName, number>
}

export function indexImagePath(storePath: string): string {
  return `${storePath}.keyword-index`
}

const pad8 = (n: number): number => (n + 7) & ~7

/** Writes the image atomically (a temporary file renamed over the old one), 0600. */
export function writeIndexImage(file: string, parts: IndexParts, weights: { header: number; text: number }): void {
  const header: Header = {
    version: VERSION,
    fingerprint: parts.fingerprint,
    weights: { header: weights.header, text: weights.text },
    tokenize: parts.tokenize,
    rows: parts.rows,
    terms: parts.terms,
    lengths: Object.fromEntries(ARRAYS.map((a) => [a, parts[a].length])) as Record<ArrayName, number>,
  }
  const json = Buffer.from(JSON.stringify(header))
  const start = pad8(8 + json.length)
  const tmp = `${file}.${process.pid}.tmp`
  const fd = fs.openSync(tmp, 'w', PRIVATE_FILE_MODE)
  try {
    const head = Buffer.alloc(start)
    head.write(MAGIC, 0, 'latin1')
    head.writeUInt32LE(json.length, 4)
    json.copy(head, 8)
    fs.writeSync(fd, head)
    for (const a of ARRAYS) {
      const arr = parts[a]
      const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)
      // large arrays in slices: one write call is capped at 2 GB
      for (let at = 0; at < bytes.length; at += 1 << 28) fs.writeSync(fd, bytes.subarray(at, Math.min(bytes.length, at + (1 << 28))))
      const padding = pad8(bytes.length) - bytes.length
      if (padding > 0) fs.writeSync(fd, Buffer.alloc(padding))
    }
    fs.fsyncSync(fd)
  } catch (err) {
    fs.closeSync(fd)
    fs.rmSync(tmp, { force: true })
    throw err
  }
  fs.closeSync(fd)
  fs.renameSync(tmp, file)
}

/** The saved index when it was read from this snapshot with these weights; undefined otherwise (absent, stale, damaged). */
export function readIndexImage(file: string, fingerprint: string, weights: { header: number; text: number }): IndexParts | undefined {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch {
    return undefined
  }
  try {
    const size = fs.fstatSync(fd).size
    const head = Buffer.alloc(8)
    if (size < 8 || fs.readSync(fd, head, 0, 8, 0) !== 8 || head.toString('latin1', 0, 4) !== MAGIC) return undefined
    const jsonLength = head.readUInt32LE(4)
    if (8 + jsonLength > size) return undefined
    const json = Buffer.alloc(jsonLength)
    fs.readSync(fd, json, 0, jsonLength, 8)
    const h = JSON.parse(json.toString('utf8')) as Header
    if (h.version !== VERSION || h.fingerprint !== fingerprint || h.weights.header !== weights.header || h.weights.text !== weights.text)
      return undefined
    let at = pad8(8 + jsonLength)
    const read = <T>(length: number, bytesPer: number, make: (buffer: ArrayBuffer) => T): T | undefined => {
      const bytes = length * bytesPer
      if (at + bytes > size) return undefined
      const buffer = new ArrayBuffer(bytes)
      const view = new Uint8Array(buffer)
      for (let done = 0; done < bytes;) {
        const n = fs.readSync(fd, view, done, Math.min(bytes - done, 1 << 28), at + done)
        if (n <= 0) return undefined
        done += n
      }
      at += pad8(bytes)
      return make(buffer)
    }
    const int32 = (name: ArrayName) => read(h.lengths[name], 4, (b) => new Int32Array(b))
    const float64 = (name: ArrayName) => read(h.lengths[name], 8, (b) => new Float64Array(b))
    const arrays = {
      termStart: int32('termStart'),
      rowIds: int32('rowIds'),
      weighted: float64('weighted'),
      posStart: int32('posStart'),
      pos: int32('pos'),
      rowLength: float64('rowLength'),
    }
    if (!complete(arrays) || arrays.termStart.length !== h.terms.length + 1) return undefined
    const { termStart, rowIds, weighted, posStart, pos, rowLength } = arrays
    return {
      fingerprint: h.fingerprint,
      tokenize: h.tokenize,
      rows: h.rows,
      terms: h.terms,
      termStart,
      rowIds,
      weighted,
      posStart,
      pos,
      rowLength,
    }
  } catch {
    return undefined
  } finally {
    fs.closeSync(fd)
  }
}

function complete<T extends object>(arrays: T): arrays is { [K in keyof T]: NonNullable<T[K]> } {
  return Object.values(arrays).every((a) => a !== undefined)
}
