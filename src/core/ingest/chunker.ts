import type { ChunkRecord } from '../documents.js'
import type { Block } from './blocks.js'
import { countTokens } from './tokenizer.js'

/**
 * LangChain's splitter brings @langchain/core and its dependencies (some 400 modules, a few hundred ms to
 * load): it is loaded with the first block too large for one chunk, not by every process that imports
 * the ingest path (`ragtune serve` before its first upload, every CLI command that opens the store).
 */
let textSplitters: Promise<typeof import('@langchain/textsplitters')> | undefined

export interface ChunkingOptions {
  /** token budget of a chunk's text (the contextual header comes on top) */
  readonly maxTokens: number
  /** tokens repeated from the end of the previous chunk when a section continues */
  readonly overlapTokens: number
}

export const defaultChunking: ChunkingOptions = { maxTokens: 480, overlapTokens: 60 }

/** A chunk before it knows its document: no header, no hash yet. */
export type ChunkDraft = Omit<ChunkRecord, 'header' | 'hash'>

export interface ChunkedText {
  /** the cleaned full text the chunks' offsets point into */
  readonly text: string
  readonly chunks: ChunkDraft[]
}

interface Placed {
  readonly block: Block
  readonly start: number
  readonly end: number
  readonly tokens: number
  readonly path: readonly string[]
}

const BLOCK_SEPARATOR = '\n\n'

/**
 * Packs blocks into chunks of at most `maxTokens`: a heading starts a new chunk (so a chunk belongs to
 * one section), tables stay whole when they fit, and a chunk continuing the same section repeats the
 * tail of the previous one. A block larger than the budget goes through LangChain's recursive splitter
 * (tables split only between rows). Every chunk's text is exactly `text.slice(charStart, charEnd)`.
 */
export async function chunkBlocks(blocks: readonly Block[], options: ChunkingOptions = defaultChunking): Promise<ChunkedText> {
  const placed: Placed[] = []
  const stack: { level: number; title: string }[] = []
  const breathe = yielder()
  let text = ''
  for (const block of blocks) {
    await breathe()
    if (block.kind === 'heading') {
      const level = block.level ?? 9
      while (stack.length > 0 && (stack.at(-1)?.level ?? 0) >= level) stack.pop()
      stack.push({ level, title: block.text })
    }
    if (text.length > 0) text += BLOCK_SEPARATOR
    const start = text.length
    text += block.text
    placed.push({ block, start, end: text.length, tokens: countTokens(block.text), path: stack.map((s) => s.title) })
  }

  const chunks: ChunkDraft[] = []
  let current: Placed[] = []
  let currentTokens = 0
  let overlapStart: number | undefined
  let overlapTokens = 0

  const emit = (start: number, end: number, path: readonly string[], pageStart: number, pageEnd: number, tokens: number): void => {
    chunks.push({
      ordinal: chunks.length,
      text: text.slice(start, end),
      pageStart,
      pageEnd,
      sectionPath: path,
      charStart: start,
      charEnd: end,
      tokens,
    })
  }
  const flush = (continues: boolean): void => {
    const first = current[0]
    const last = current.at(-1)
    if (first === undefined || last === undefined) return
    const start = overlapStart ?? first.start
    const pages = current.map((p) => p.block.page)
    const pageStart = Math.min(...pages, overlapStart === undefined ? Infinity : pageAt(placed, start))
    emit(start, last.end, last.path, pageStart, Math.max(...pages), currentTokens + overlapTokens + current.length - 1)
    overlapStart = undefined
    overlapTokens = 0
    // Overlap repeats prose only: half a table at the top of a chunk would read as a different table.
    if (continues && options.overlapTokens > 0 && last.block.kind === 'paragraph') {
      const tail = tailStart(text, last.start, last.end, options.overlapTokens)
      if (tail < last.end) {
        overlapStart = tail
        overlapTokens = countTokens(text.slice(tail, last.end)) + 1
      }
    }
    current = []
    currentTokens = 0
  }

  for (const p of placed) {
    await breathe()
    if (p.block.kind === 'heading') {
      if (current.some((c) => c.block.kind !== 'heading')) flush(false)
      overlapStart = undefined
      overlapTokens = 0
    } else if (p.tokens > options.maxTokens) {
      let headings = current.filter((c) => c.block.kind === 'heading')
      if (current.length > headings.length) {
        flush(true)
        headings = []
      }
      const pieces = await splitLarge(text, p, options, headings[0]?.start)
      current = []
      currentTokens = 0
      overlapStart = undefined
      overlapTokens = 0
      for (const piece of pieces) emit(piece.start, piece.end, p.path, headings[0]?.block.page ?? p.block.page, p.block.page, piece.tokens)
      continue
    } else if (currentTokens + overlapTokens + p.tokens > options.maxTokens && current.length > 0) {
      const onlyHeadings = current.every((c) => c.block.kind === 'heading')
      if (!onlyHeadings) flush(true)
    }
    current.push(p)
    currentTokens += p.tokens
  }
  flush(false)
  return { text, chunks }
}

/**
 * Chunking runs on the main thread, and a large text file has tens of thousands of blocks: hand the event
 * loop a turn every ~10 ms so health checks and answers keep flowing meanwhile.
 */
function yielder(): () => Promise<void> {
  let last = performance.now()
  return async () => {
    if (performance.now() - last < 10) return
    await new Promise((resolve) => setImmediate(resolve))
    last = performance.now()
  }
}

/** Page of the first block ending after `offset`; offsets asked for are near the end, so search backwards. */
function pageAt(placed: readonly Placed[], offset: number): number {
  let page = placed.at(-1)?.block.page ?? 1
  for (let i = placed.length - 1; i >= 0; i--) {
    const p = placed[i]
    if (p === undefined || p.end <= offset) break
    page = p.block.page
  }
  return page
}

/** Start of the last sentences (or words) of [start, end) that fit in about `budget` tokens (~4 chars a token). */
function tailStart(text: string, start: number, end: number, budget: number): number {
  const maxChars = budget * 4
  if (end - start <= maxChars) return start
  const from = end - maxChars
  const slice = text.slice(from, end)
  // Prefer a sentence start; a long last sentence falls back to a word start.
  let boundary = slice.search(/(?<=[.!?;])\s+\S|\n/)
  if (boundary < 0) boundary = slice.search(/\s\S/)
  if (boundary < 0) return end
  const offset = from + boundary
  return offset + (/^\s+/.exec(text.slice(offset, end))?.[0].length ?? 0)
}

async function splitLarge(
  text: string,
  p: Placed,
  options: ChunkingOptions,
  headingStart: number | undefined,
): Promise<{ start: number; end: number; tokens: number }[]> {
  const prefixTokens = headingStart === undefined ? 0 : countTokens(text.slice(headingStart, p.start))
  // The splitter measures each split when it picks splits, again when it merges them, and the pieces
  // it returns are often one split: count each distinct string once.
  const measured = new Map<string, number>()
  const length = (s: string): number => {
    let n = measured.get(s)
    if (n === undefined) {
      n = countTokens(s)
      measured.set(s, n)
    }
    return n
  }
  const { RecursiveCharacterTextSplitter } = await (textSplitters ??= import('@langchain/textsplitters'))
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: Math.max(32, options.maxTokens - prefixTokens),
    chunkOverlap: p.block.kind === 'table' ? 0 : options.overlapTokens,
    lengthFunction: length,
    separators: p.block.kind === 'table' ? ['\n', '\t', ' ', ''] : ['\n', '. ', '; ', ', ', ' ', ''],
  })
  const body = text.slice(p.start, p.end)
  const pieces = await splitter.splitText(body)
  const out: { start: number; end: number; tokens: number }[] = []
  let cursor = 0
  for (const piece of pieces) {
    let at = body.indexOf(piece, Math.max(0, cursor - piece.length))
    if (at < 0) at = body.indexOf(piece)
    if (at < 0) continue
    out.push({ start: p.start + at, end: p.start + at + piece.length, tokens: length(piece) })
    cursor = at + piece.length
  }
  // The section's heading opens the first piece, so that piece still says where it belongs.
  const first = out[0]
  if (first !== undefined && headingStart !== undefined) {
    out[0] = { start: headingStart, end: first.end, tokens: first.tokens + prefixTokens }
  }
  return out
}
