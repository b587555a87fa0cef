import { open, readFile } from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../errors.js'

/** What ragtune can read; the parser for each lives behind the DocumentParser port. */
export type SourceKind = 'pdf' | 'txt' | 'md' | 'html' | 'docx' | 'xlsx' | 'csv' | 'pptx'

/** The supported types, with the file name endings a directory walk picks up. */
export const SUPPORTED_TYPES: readonly { readonly kind: SourceKind; readonly extensions: readonly string[] }[] = [
  { kind: 'pdf', extensions: ['.pdf'] },
  { kind: 'html', extensions: ['.html', '.htm', '.xhtml'] },
  { kind: 'docx', extensions: ['.docx'] },
  { kind: 'xlsx', extensions: ['.xlsx'] },
  { kind: 'csv', extensions: ['.csv'] },
  { kind: 'pptx', extensions: ['.pptx'] },
  { kind: 'txt', extensions: ['.txt'] },
  { kind: 'md', extensions: ['.md', '.markdown'] },
]

const BY_EXTENSION = new Map(SUPPORTED_TYPES.flatMap((t) => t.extensions.map((e) => [e, t.kind] as const)))

/** The endings, for messages: ".pdf, .html, .htm, …". */
export const SUPPORTED_EXTENSION_LIST = [...BY_EXTENSION.keys()].join(', ')

/** Whether a file's name marks a type ragtune reads (what a directory walk picks up; the bytes decide at ingest). */
export function isSupportedFile(name: string): boolean {
  return BY_EXTENSION.has(path.extname(name).toLowerCase())
}

/** The bytes looked at to tell text from binary and HTML from plain text. */
const HEAD_BYTES = 8192

/**
 * The type of a file, decided from its bytes: magic numbers for PDF and the Office ZIP formats, the
 * markup of HTML/XHTML/inline XBRL, and valid UTF-8 without NULs for text (where the name only tells
 * Markdown and CSV from plain text). A `.pdf` holding HTML is read as HTML; a `.txt` holding an image is
 * refused. Bytes of no known type named as a binary type ragtune reads (.pdf, .docx, .xlsx, .pptx) are
 * given to that type's parser, which fails with its own code. Throws `unsupported_type` (415) for
 * anything else, naming what to do.
 */
export function sniffFileType(bytes: Uint8Array, name: string): SourceKind {
  const ext = path.extname(name).toLowerCase()
  if (startsWith(bytes, PDF_MAGIC)) return 'pdf'
  const byName = BY_EXTENSION.get(ext)
  // Bytes of no known type under a binary type's name are a damaged file of that type: its parser says
  // so with its own code (invalid_pdf, invalid_docx, ...), which helps more than "unsupported".
  const claimed = byName === 'pdf' || byName === 'docx' || byName === 'xlsx' || byName === 'pptx' ? byName : undefined
  if (startsWith(bytes, ZIP_MAGIC)) {
    const kind = officeKind(bytes) ?? claimed
    if (kind !== undefined) return kind
    throw unsupported(name, 'a ZIP archive that is not a .docx, .xlsx or .pptx')
  }
  if (startsWith(bytes, OLE_MAGIC)) throw unsupported(name, 'a legacy Office file (.doc/.xls/.ppt); save it as .docx, .xlsx or .pptx')
  const head = bytes.subarray(0, HEAD_BYTES)
  if (!isText(head)) {
    if (claimed !== undefined) return claimed
    throw unsupported(name, 'binary data of a kind ragtune does not read')
  }
  const text = decodeText(head)
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase()
  if (looksLikeHtml(text)) return 'html'
  if (claimed !== undefined) return claimed
  return byName === 'md' || byName === 'csv' ? byName : 'txt'
}

/**
 * `sniffFileType` on a file without reading all of it: the first HEAD_BYTES decide every type but a ZIP
 * container, whose entry names can sit anywhere (its directory is at the end). Undefined for an empty file.
 */
export async function sniffFile(filePath: string, name: string): Promise<SourceKind | undefined> {
  const handle = await open(filePath, 'r')
  let head: Uint8Array
  try {
    const buf = Buffer.alloc(HEAD_BYTES)
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0)
    head = buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
  if (head.byteLength === 0) return undefined
  return sniffFileType(startsWith(head, ZIP_MAGIC) ? await readFile(filePath) : head, name)
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  // PDF allows junk before the header in its first KB; real files rarely have it, a BOM sometimes.
  return magic.every((b, i) => bytes[i] === b)
}

/** Entry names sit uncompressed in a ZIP's headers: the part that only each format has decides. */
function officeKind(bytes: Uint8Array): SourceKind | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.includes('word/document.xml')) return 'docx'
  if (buf.includes('xl/workbook.xml')) return 'xlsx'
  if (buf.includes('ppt/presentation.xml')) return 'pptx'
  return undefined
}

function looksLikeHtml(head: string): boolean {
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return true
  // XHTML and inline XBRL start with an XML declaration or a comment; EDGAR submissions with <document>.
  if (head.startsWith('<?xml') || head.startsWith('<!--') || head.startsWith('<')) return /<html[\s>]|<body[\s>]/.test(head)
  return false
}

/** Text has no NULs and almost no control characters other than tab, newline, carriage return and form feed. */
function isText(head: Uint8Array): boolean {
  let control = 0
  for (const b of head) {
    if (b === 0) return false
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++
  }
  return control <= head.length / 100
}

/** UTF-8 when the bytes are valid UTF-8, else Windows-1252 (older EDGAR filings and exported text are). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

export function unsupported(name: string, what: string): AppError {
  return new AppError('unsupported_type', `cannot read "${name}": ${what}; ragtune reads ${SUPPORTED_EXTENSION_LIST} files`, {
    status: 415,
  })
}
