import { createHash } from 'node:crypto'
import anyAscii from 'any-ascii'
import type { MetaOverrides } from './metadata.js'
import { AppError } from '../../errors.js'

/**
 * Bump whenever cleaning, block detection, chunking or headers change what gets stored: it is part of
 * every document's fingerprint, so the next ingest re-chunks instead of answering `unchanged`.
 */
export const CHUNKER_VERSION = 'chunker-1'

/**
 * `3M_2018_10K.pdf` → `3m_2018_10k`, `年度报告.txt` → `niandubaogao`, `отчет.txt` → `otchet`: stable,
 * URL-safe, case-insensitive, readable for any script (transliterated). A name with nothing left to
 * spell (emoji, symbols) gets `doc-` and a short hash of the name, so two such files still differ and a
 * new version of the same file keeps its id.
 */
export function deriveDocumentId(fileName: string): string {
  const base = (fileName.split(/[\\/]/).at(-1) ?? fileName).replace(/\.[^.]+$/, '')
  const slug = anyAscii(base.normalize('NFC'))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
  const id = slug.slice(0, 128).replace(/^[._-]+|[._-]+$/g, '')
  return /[a-z0-9]/.test(id) ? id : `doc-${sha256Hex(base.normalize('NFC')).slice(0, 12)}`
}

export function isValidDocumentId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Everything that shapes a version's chunks and vectors; equal fingerprints mean nothing to do. */
export function versionFingerprint(input: {
  sha256: string
  embeddingModel: string | undefined
  overrides: MetaOverrides
  chunking: { maxTokens: number; overlapTokens: number }
}): string {
  const overrides = Object.entries(input.overrides)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
  return sha256Hex(
    JSON.stringify([
      input.sha256,
      CHUNKER_VERSION,
      input.embeddingModel ?? null,
      overrides,
      input.chunking.maxTokens,
      input.chunking.overlapTokens,
    ]),
  )
}

/** A second file that would take a document id another file holds (stable code `document_id_conflict`). */
export function idConflict(documentId: string, heldBy: string): AppError {
  return new AppError(
    'document_id_conflict',
    `document id "${documentId}" already holds "${heldBy}"; give this file its own id (--doc-id, or documentId in an upload), or pass --doc-id ${documentId} to replace that document`,
    { status: 409 },
  )
}
