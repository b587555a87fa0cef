import { detectTickers } from '../retrieval/ticker-detection.js'
import type { DocumentMeta } from '../documents.js'
import { findIssuerSpelling, titleCase, withoutLegalForm, type IssuerSpelling } from './issuer-spelling.js'

export type MetaOverrides = Partial<{ -readonly [K in keyof DocumentMeta]: DocumentMeta[K] }>

const TYPE_BY_TOKEN: Record<string, string> = {
  '10K': '10-K',
  '10Q': '10-Q',
  '8K': '8-K',
  EARNINGS: 'earnings',
  ANNUALREPORT: 'annual-report',
  AR: 'annual-report',
  LETTER: 'letter',
}

const TYPE_TITLES: Record<string, string> = {
  '10-K': 'Form 10-K',
  '10-Q': 'Form 10-Q',
  '8-K': 'Form 8-K',
  earnings: 'earnings release',
  'annual-report': 'annual report',
  letter: 'letter',
}

/**
 * Detects title, company, period and type from a file name in the FinanceBench convention
 * (`3M_2018_10K.pdf`, `PEPSICO_2023Q1_EARNINGS.pdf`, `AMCOR_2022_8K_dated-2022-07-01.pdf`) and from the
 * first pages (the registrant's name on a 10-K cover, "FORM 10-Q", "fiscal year ended …"). The file
 * name wins for period and type; the cover page wins for the company's name. Overrides win over both.
 */
export function detectMetadata(fileName: string, firstPagesText: string, overrides: MetaOverrides = {}): DocumentMeta {
  const fromName = fromFileName(fileName)
  const fromText = fromFirstPages(firstPagesText)
  // The registrant on the cover, else the file name's issuer; either respelled as the text writes it
  // ("AMCOR PLC" → "Amcor plc", "ACTIVISIONBLIZZARD" → "Activision Blizzard, Inc."), so every document
  // of one issuer carries one name.
  const detected = fromText.company ?? fromName.company
  const spelling = detected === undefined || !needsRespelling(detected) ? undefined : findIssuerSpelling(detected, firstPagesText)
  const company = overrides.company ?? respelled(detected, spelling, fromText.company !== undefined)
  const fiscalYear = overrides.fiscalYear ?? fromName.fiscalYear ?? fromText.fiscalYear
  const fiscalQuarter = overrides.fiscalQuarter ?? fromName.fiscalQuarter
  const docType = overrides.docType ?? fromName.docType ?? fromText.docType
  const date = overrides.date ?? fromName.date
  // titles name the issuer as a person would: the file name's short form, spelled as the text writes it
  const titleName =
    fromName.company === undefined ? company : (findIssuerSpelling(fromName.company, firstPagesText)?.name ?? fromName.company)
  const title =
    overrides.title ??
    composeTitle(titleName === undefined ? undefined : withoutLegalForm(titleName), fiscalYear, fiscalQuarter, docType, date) ??
    stem(fileName)
  return {
    title,
    ...(company === undefined ? {} : { company }),
    ...(fiscalYear === undefined ? {} : { fiscalYear }),
    ...(fiscalQuarter === undefined ? {} : { fiscalQuarter }),
    ...(docType === undefined ? {} : { docType }),
    ...(date === undefined ? {} : { date }),
    tickers: detectTickers(firstPagesText),
  }
}

function respelled(detected: string | undefined, spelling: IssuerSpelling | undefined, fromCover: boolean): string | undefined {
  if (detected === undefined) return undefined
  if (spelling === undefined) return fromCover ? tidyCompany(detected) : detected
  if (spelling.legalName !== undefined) return spelling.legalName
  // the cover's legal form ("3M COMPANY") when the text never prints one after the name
  const form = detected.slice(withoutLegalForm(detected).length).trim()
  return form === '' ? spelling.name : `${spelling.name} ${titleCase(form.replace(/^,\s*/, ''))}`
}

/** A name in capitals or glued to one word ("AMCOR PLC", "ACTIVISIONBLIZZARD") is not how people write it. */
function needsRespelling(name: string): boolean {
  return name === name.toUpperCase() && /\p{Lu}{2}/u.test(name)
}

function stem(fileName: string): string {
  const base = fileName.split(/[\\/]/).at(-1) ?? fileName
  return base.replace(/\.[^.]+$/, '')
}

export function fromFileName(fileName: string): MetaOverrides {
  const m = /^([A-Za-z0-9&.-]+?)_(\d{4})(?:Q([1-4]))?(?:_([A-Za-z0-9]+))?(?:_dated[-_](\d{4}-\d{2}-\d{2}))?$/.exec(stem(fileName))
  if (m === null) return {}
  const [, company, year, quarter, type, date] = m
  const out: MetaOverrides = { fiscalYear: Number(year) }
  if (company !== undefined) out.company = company
  if (quarter !== undefined) out.fiscalQuarter = Number(quarter)
  const docType = type === undefined ? undefined : TYPE_BY_TOKEN[type.toUpperCase()]
  if (docType !== undefined) out.docType = docType
  else if (type !== undefined) out.docType = 'other'
  if (date !== undefined) out.date = date
  return out
}

function fromFirstPages(text: string): MetaOverrides {
  const out: MetaOverrides = {}
  const lines = text.split('\n').map((l) => l.trim())
  const registrant = lines.findIndex((l) => /exact name of registrant/i.test(l))
  if (registrant > 0) {
    const before = lines
      .slice(Math.max(0, registrant - 3), registrant)
      .reverse()
      .find((l) => /\p{L}{2}/u.test(l) && !/commission file/i.test(l))
    const name = before?.replace(/\s*\(.*$/, '').trim()
    if (name !== undefined && name.length >= 2 && name.length <= 80) out.company = name
  }
  const form = /\bFORM\s+(10-K|10-Q|8-K)\b/i.exec(text)
  if (form?.[1] !== undefined) out.docType = form[1].toUpperCase()
  const year = /(?:fiscal\s+year|quarterly\s+period|period)\s+ended\s+\p{L}+\.?\s+\d{1,2},?\s+(\d{4})/iu.exec(text)
  if (year?.[1] !== undefined) out.fiscalYear = Number(year[1])
  return out
}

/** "3M COMPANY" → "3M Company"; names already in mixed case are kept. */
function tidyCompany(name: string): string {
  return name !== name.toUpperCase() ? name : titleCase(name)
}

function composeTitle(
  company: string | undefined,
  year: number | undefined,
  quarter: number | undefined,
  docType: string | undefined,
  date: string | undefined,
): string | undefined {
  if (company === undefined || year === undefined) return undefined
  const period = quarter === undefined ? String(year) : `${year} Q${quarter}`
  const type = docType === undefined ? '' : ` ${TYPE_TITLES[docType] ?? docType}`
  return `${company} ${period}${type}${date === undefined ? '' : ` dated ${date}`}`
}
