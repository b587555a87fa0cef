import { errorBody, isAppError } from '../../errors.js'
import { structureDocument } from '../../core/ingest/prepare-document.js'
import type { ParseRequest } from '../../core/ingest/document-parser.js'
import { extractDocument } from '../documents/extract-document.js'
import { OCR_PACKAGES, ocrAvailable } from './ocr.js'

/** Messages between the parse pool (main thread) and a worker; one task at a time per worker. */
export type WorkerReply =
  | { readonly id: number; readonly type: 'progress'; readonly pagesDone: number; readonly pagesTotal: number }
  | { readonly id: number; readonly type: 'done'; readonly result: ReturnType<typeof structureDocument> }
  | { readonly id: number; readonly type: 'failed'; readonly error: { code: string; message: string; status: number } }

export interface WorkerTask {
  readonly id: number
  readonly request: ParseRequest
}

/** Extract (any supported type) → clean → structure: the CPU-heavy part of an ingest. */
export async function runParseTask(task: WorkerTask, post: (reply: WorkerReply) => void): Promise<void> {
  const { id, request } = task
  try {
    const doc = await extractDocument(request, (p) => post({ id, type: 'progress', ...p }))
    const result = structureDocument(doc.pages, {
      markdown: doc.markdown,
      dropEdges: doc.dropEdges,
      ...(doc.units === undefined ? {} : { units: doc.units }),
      ...(doc.ocrPages === undefined ? {} : { ocrPages: doc.ocrPages }),
      ...(request.kind === 'pdf' && !ocrAvailable()
        ? { noTextHint: `ragtune OCRs scans when tesseract is installed: apt-get install ${OCR_PACKAGES}, then ingest it again` }
        : {}),
    })
    post({ id, type: 'done', result })
  } catch (err) {
    post({ id, type: 'failed', error: { ...errorBody(err), status: isAppError(err) ? err.status : 500 } })
  }
}
