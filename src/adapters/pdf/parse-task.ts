import { errorBody, isAppError } from '../../errors.js'
import { structureDocument } from '../../core/ingest/prepare-document.js'
import type { ParseRequest } from '../../core/ingest/document-parser.js'
import { extractPages } from './extract-pages.js'

/** Messages between the parse pool (main thread) and a worker; one task at a time per worker. */
export type WorkerReply =
  | { readonly id: number; readonly type: 'progress'; readonly pagesDone: number; readonly pagesTotal: number }
  | { readonly id: number; readonly type: 'done'; readonly result: ReturnType<typeof structureDocument> }
  | { readonly id: number; readonly type: 'failed'; readonly error: { code: string; message: string; status: number } }

export interface WorkerTask {
  readonly id: number
  readonly request: ParseRequest
}

/** Extract → clean → structure: the CPU-heavy part of an ingest. */
export async function runParseTask(task: WorkerTask, post: (reply: WorkerReply) => void): Promise<void> {
  const { id, request } = task
  try {
    const pages = await extractPages(request.kind, request.bytes, {
      maxPages: request.maxPages,
      onProgress: (p) => post({ id, type: 'progress', ...p }),
    })
    const result = structureDocument(pages, { markdown: request.kind === 'md' })
    post({ id, type: 'done', result })
  } catch (err) {
    post({ id, type: 'failed', error: { ...errorBody(err), status: isAppError(err) ? err.status : 500 } })
  }
}
