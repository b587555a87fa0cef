import mammoth from 'mammoth'
import { AppError } from '../../errors.js'
import type { PageText } from '../../core/ingest/clean-pages.js'
import type { PageUnits } from '../../core/ingest/page-units.js'
import { htmlToPages } from './html-pages.js'
import { errorText } from './sheet-pages.js'

/** Images carry no text: skip them instead of inlining them as base64. */
const NO_IMAGES = mammoth.images.imgElement(() => Promise.resolve({ src: '' }))

/**
 * A Word document through mammoth, which maps its styles to HTML headings, paragraphs and tables; the
 * HTML path then makes pages (sections at the top headings: a DOCX has no fixed pages).
 */
export async function docxToPages(bytes: Uint8Array): Promise<{ pages: PageText[]; units: PageUnits }> {
  let html: string
  try {
    const input = { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
    html = (await mammoth.convertToHtml(input, { convertImage: NO_IMAGES, externalFileAccess: false })).value
  } catch (err) {
    throw new AppError('invalid_docx', `not a readable Word document (${errorText(err)}); open and save it again as .docx`, {
      status: 422,
      cause: err,
    })
  }
  return htmlToPages(html)
}
