import type { Corpus } from './corpus.js'

/**
 * The original files behind document versions, kept content-addressed (sha256) so a citation can open
 * its page: the embedded default keeps them as files in the data dir, the scaled profile in PostgreSQL
 * where every replica reaches them. Several versions (of one or several documents) share one original
 * when their bytes are equal; an original goes when the last version using it goes.
 */
export interface OriginalStore {
  /** e.g. "files", "postgres" */
  readonly kind: string

  /**
   * Keeps the file at `path` under `sha256` (a no-op when already kept) with its page texts, and records
   * that this version uses it. Idempotent.
   */
  keep(input: KeepInput): Promise<void>

  /** The original a version uses, or undefined when none was kept (ingested before originals were kept). */
  find(documentId: string, version: number): Promise<OriginalRef | undefined>

  /** Every kept version of a document, newest first. */
  versions(documentId: string): Promise<OriginalRef[]>

  /** The bytes from `start` to `end` inclusive (default: all of them), in pieces. */
  read(sha256: string, range?: { readonly start: number; readonly end: number }): AsyncIterable<Uint8Array>

  /** The cleaned text of a 1-based page, as chunks cite it; undefined past the last page. */
  pageText(sha256: string, page: number): Promise<string | undefined>

  /** A file on local disk holding the bytes (page renderers read files); made once per original. */
  localPath(sha256: string): Promise<string>

  /**
   * Forgets every version of a document, and deletes the originals no remaining version uses.
   * Resolves to the sha256 of the originals deleted (their page images go too).
   */
  forget(documentId: string): Promise<string[]>

  close(): Promise<void>
}

export interface KeepInput {
  readonly documentId: string
  readonly version: number
  readonly sha256: string
  readonly sourceName: string
  readonly contentType: string
  /** the bytes, on disk (an upload's staged file or a CLI argument) */
  readonly path: string
  /** page texts, page 1 first */
  readonly pages: readonly string[]
}

export interface OriginalRef {
  readonly documentId: string
  readonly version: number
  readonly sha256: string
  readonly sourceName: string
  readonly contentType: string
  readonly size: number
  readonly pages: number
  readonly createdAt: string
}

/** Where each word of a page sits, in PDF points from the top left; the console highlights a passage with it. */
export interface PageWords {
  readonly width: number
  readonly height: number
  /** [xMin, yMin, xMax, yMax, text] */
  readonly words: readonly (readonly [number, number, number, number, string])[]
}

export interface PageImages {
  /** A PNG of the page `width` pixels wide, rendered once and then served from the cache. */
  png(sha256: string, page: number, width: number): Promise<{ readonly path: string; readonly cached: boolean }>
  words(sha256: string, page: number): Promise<PageWords>
  /** Drops an original's cached images (it was deleted). */
  drop(sha256: string): Promise<void>
}

/**
 * Deletes a document and then its originals no other version uses, with their page images. The store's
 * delete comes first: a crash in between leaves an original nobody cites, never a citation without its page.
 */
export async function deleteDocument(parts: DocumentParts, id: string): Promise<boolean> {
  if (!(await parts.corpus.deleteDocument(id))) return false
  await forgetOriginals(parts, id)
  return true
}

/**
 * Deletes a collection (see Corpus.deleteCollection: all its documents or none) and then the originals
 * of its documents, in the same order as deleteDocument. Resolves the deleted document keys, or undefined
 * when there was no such collection.
 */
export async function deleteCollection(
  parts: DocumentParts,
  name: string,
  options: { readonly force?: boolean } = {},
): Promise<readonly string[] | undefined> {
  const deleted = await parts.corpus.deleteCollection(name, options)
  for (const id of deleted ?? []) await forgetOriginals(parts, id)
  return deleted
}

interface DocumentParts {
  readonly corpus: Corpus
  readonly originals?: OriginalStore | undefined
  readonly pageImages?: PageImages | undefined
}

async function forgetOriginals(parts: DocumentParts, id: string): Promise<void> {
  const gone = (await parts.originals?.forget(id)) ?? []
  const images = parts.pageImages
  if (images !== undefined) await Promise.all(gone.map((sha) => images.drop(sha)))
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.markdown': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
}

/** The content type served for a file name; unknown types are served as bytes. */
export function contentTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return (dot < 0 ? undefined : CONTENT_TYPES[fileName.slice(dot).toLowerCase()]) ?? 'application/octet-stream'
}
