import { unzipSync } from 'fflate'
import { parseDocument } from 'htmlparser2'
import { isTag, type ChildNode, type Element } from 'domhandler'
import { AppError } from '../../errors.js'
import type { PageText } from '../../core/ingest/clean-pages.js'
import type { PageUnits } from '../../core/ingest/page-units.js'
import { errorText } from './sheet-pages.js'

/** Unpacked size a deck may reach: guards against ZIP bombs. */
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024

/**
 * Each slide one unit, in presentation order: its title as a `#` heading, then its text (one line per
 * paragraph, table rows tab-separated), then its speaker notes. Read straight from the Office Open XML
 * parts (fflate unzips, htmlparser2 parses the XML).
 */
export function pptxToPages(bytes: Uint8Array, maxSlides: number): { pages: PageText[]; units: PageUnits } {
  const files = unpack(bytes)
  const xml = (name: string): ChildNode[] | undefined => {
    const data = files[name]
    return data === undefined ? undefined : parseDocument(new TextDecoder().decode(data), { xmlMode: true }).children
  }
  const presentation = xml('ppt/presentation.xml')
  if (presentation === undefined) throw invalid('it has no ppt/presentation.xml')
  const slidePaths = slideOrder(presentation, xml('ppt/_rels/presentation.xml.rels') ?? [])
  if (slidePaths.length > maxSlides) {
    throw new AppError(
      'too_many_pages',
      `the deck has ${slidePaths.length} slides, over the limit of ${maxSlides}; split it or raise RAGTUNE_MAX_PAGES`,
      { status: 413 },
    )
  }
  const pages = slidePaths.map((slidePath, i): PageText => {
    const slide = xml(slidePath) ?? []
    const lines: string[] = []
    for (const shape of findAll(slide, (e) => e.name === 'p:sp' || e.name === 'p:graphicFrame')) {
      const isTitle = findAll([shape], (e) => e.name === 'p:ph' && /^(?:title|ctrTitle)$/.test(e.attribs.type ?? '')).length > 0
      const rows = findAll([shape], (e) => e.name === 'a:tr')
      if (rows.length > 0) {
        for (const row of rows)
          lines.push(
            findAll([row], (e) => e.name === 'a:tc')
              .map(textOf)
              .join('\t'),
          )
        continue
      }
      for (const para of findAll([shape], (e) => e.name === 'a:p')) {
        const text = textOf(para)
        if (text !== '') lines.push(isTitle ? `# ${text}` : text)
      }
    }
    const notesPath = related(xml(relsPath(slidePath)) ?? [], slidePath, /\/notesSlide$/)
    const notes = notesPath === undefined ? [] : notesText(xml(notesPath) ?? [])
    if (notes.length > 0) lines.push(`Notes: ${notes.join(' ')}`)
    return { page: i + 1, text: lines.join('\n') }
  })
  return { pages, units: { kind: 'slide' } }
}

function unpack(bytes: Uint8Array): Record<string, Uint8Array> {
  let unpacked = 0
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        unpacked += f.originalSize
        if (unpacked > MAX_UNPACKED_BYTES) throw invalid('it unpacks to over 512 MB')
        return f.name.endsWith('.xml') || f.name.endsWith('.rels')
      },
    })
  } catch (err) {
    throw err instanceof AppError ? err : invalid(errorText(err))
  }
}

function invalid(why: string): AppError {
  return new AppError('invalid_pptx', `not a readable PowerPoint deck (${why}); open and save it again as .pptx`, { status: 422 })
}

/** Slide part paths in the order of the presentation's slide list. */
function slideOrder(presentation: ChildNode[], rels: ChildNode[]): string[] {
  const targets = relationships(rels, 'ppt/presentation.xml')
  return findAll(presentation, (e) => e.name === 'p:sldId')
    .map((e) => targets.get(e.attribs['r:id'] ?? '')?.target)
    .filter((t) => t !== undefined)
}

function relsPath(part: string): string {
  const slash = part.lastIndexOf('/')
  return `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`
}

/** Relationship id → resolved part path and type, for the part the .rels file belongs to. */
function relationships(rels: ChildNode[], part: string): Map<string, { target: string; type: string }> {
  const base = part.slice(0, part.lastIndexOf('/') + 1)
  const out = new Map<string, { target: string; type: string }>()
  for (const r of findAll(rels, (e) => e.name === 'Relationship')) {
    const target = r.attribs.Target ?? ''
    out.set(r.attribs.Id ?? '', { target: target.startsWith('/') ? target.slice(1) : resolve(base + target), type: r.attribs.Type ?? '' })
  }
  return out
}

function related(rels: ChildNode[], part: string, type: RegExp): string | undefined {
  return [...relationships(rels, part).values()].find((r) => type.test(r.type))?.target
}

function resolve(p: string): string {
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '..') out.pop()
    else if (seg !== '.' && seg !== '') out.push(seg)
  }
  return out.join('/')
}

/** The notes placeholder's text (notes pages also hold the slide image and a slide number). */
function notesText(notes: ChildNode[]): string[] {
  const body = findAll(notes, (e) => e.name === 'p:sp').filter(
    (sp) => findAll([sp], (e) => e.name === 'p:ph' && e.attribs.type === 'body').length > 0,
  )
  return body.flatMap((sp) => findAll([sp], (e) => e.name === 'a:p').map(textOf)).filter((t) => t !== '')
}

function textOf(node: ChildNode): string {
  return findAll([node], (e) => e.name === 'a:t')
    .map((t) => t.children.map((c) => ('data' in c ? c.data : '')).join(''))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
}

function findAll(nodes: readonly ChildNode[], test: (e: Element) => boolean): Element[] {
  const out: Element[] = []
  const visit = (list: readonly ChildNode[]): void => {
    for (const n of list) {
      if (!isTag(n)) continue
      if (test(n)) out.push(n)
      else visit(n.children)
    }
  }
  visit(nodes)
  return out
}
