import { describe, expect, it } from 'vitest'
import type { DocumentMeta, DocumentSummary } from '../../src/core/documents.js'
import { RoutingTable, companyAliases } from '../../src/core/retrieval/routing-table.js'
import { analyzeQuery } from '../../src/core/retrieval/query-analysis.js'

function doc(id: string, meta: Omit<DocumentMeta, 'title'> & { title?: string }, version = 1): DocumentSummary {
  return {
    id,
    activeVersion: version,
    meta: { title: meta.title ?? id, ...meta },
    sha256: 'x',
    sourceName: `${id}.pdf`,
    pages: 10,
    chunks: 10,
    embeddingModel: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  }
}

const store = [
  doc('acme_2018_10k', { company: 'Acme Widgets Company', fiscalYear: 2018, docType: '10-K' }),
  doc('acme_2022_10k', { company: 'Acme Widgets Company', fiscalYear: 2022, docType: '10-K' }),
  doc('acme_2023q2_10q', { company: 'Acme Widgets Company', fiscalYear: 2023, fiscalQuarter: 2, docType: '10-Q' }),
  doc('globex_2023_10k', { company: 'Globex Corporation', fiscalYear: 2023, docType: '10-K' }),
  doc('globex_2023q4_earnings', { company: 'GLOBEX', fiscalYear: 2023, fiscalQuarter: 4, docType: 'earnings' }),
  doc('globex_2023q2_10q', { company: 'Globex Corporation', fiscalYear: 2023, fiscalQuarter: 2, docType: '10-Q' }),
  doc('globex_2023_8k_a', { company: 'Globex Corporation', fiscalYear: 2023, docType: '8-K', date: '2023-05-05' }),
  doc('globex_2023_8k_b', { company: 'Globex Corporation', fiscalYear: 2023, docType: '8-K', date: '2023-05-30' }),
  doc('3m_2018_10k', { company: '3M Company', fiscalYear: 2018, docType: '10-K' }),
  doc('bluesky_2019_10k', { company: 'Blue Sky Airlines, Inc.', fiscalYear: 2019, docType: '10-K' }),
  doc('iw_2022_10k', { company: 'International Widgets Holdings', fiscalYear: 2022, docType: '10-K', title: 'INTLWIDGETS 2022 Form 10-K' }),
  doc('iw_2022q4_earnings', {
    company: 'INTLWIDGETS',
    fiscalYear: 2022,
    fiscalQuarter: 4,
    docType: 'earnings',
    title: 'INTLWIDGETS 2022 Q4 earnings release',
  }),
  doc('pg_2020_10k', { company: 'Procter and Gamble Company', fiscalYear: 2020, docType: '10-K' }),
  doc('costco_2021_10k', { company: 'Costco Wholesale Corporation', fiscalYear: 2021, docType: '10-K', title: 'COSTCO 2021 Form 10-K' }),
]
const table = new RoutingTable(store)
const route = (q: string) => table.route(analyzeQuery(q))

describe('RoutingTable.route', () => {
  it.each([
    ['What is the FY2018 capex for Acme Widgets?', ['acme_2018_10k']],
    ["Acme Widgets' FY2022 10-K: net PP&E", ['acme_2022_10k']],
    // two years no one filing covers (a 10-K carries its year and the two before): one side per year
    ["ACME WIDGETS COMPANY's quick ratio between FY2022 and FY2018", ['acme_2018_10k', 'acme_2022_10k']],
    // two years the later 10-K covers itself: no sides
    ["ACME WIDGETS COMPANY's quick ratio between FY2022 and FY2021", ['acme_2022_10k']],
    ['Did acmewidgets grow revenue in Q2 2023?', ['acme_2023q2_10q']],
    ["3M's FY2018 capital expenditure", ['3m_2018_10k']],
    ['What was Globex adjusted EBITDA for FY 2023', ['globex_2023_10k', 'globex_2023q4_earnings']],
    ['As of Q2 of FY2023, what is Globex restructuring liability?', ['globex_2023q2_10q']],
    ['At the Globex meeting held on May 3, 2023, what was the vote?', ['globex_2023_8k_a']],
    ['By how much did Globex increase its credit agreement on May 26, 2023?', ['globex_2023_8k_b']],
    ["Globex's 8-K filed in 2023", ['globex_2023_8k_a', 'globex_2023_8k_b']],
    ['What were Acme Widgets events in 2020?', ['acme_2022_10k']],
    ['Is Blue Sky Airlines capital intensive?', ['bluesky_2019_10k']],
    ['Is BlueSky capital intensive?', ['bluesky_2019_10k']],
    ["What was P&G's FY2020 revenue?", ['pg_2020_10k']],
    // the cover-page name matches one document; the issuer's other spelling brings in the rest
    ['What was International Widgets adjusted EBITDA in FY2022?', ['iw_2022_10k', 'iw_2022q4_earnings']],
    // the file-name spelling in the title, even uncapitalised
    ['what were costco total assets in fy2021?', ['costco_2021_10k']],
    // no period named: the 2018 10-K is superseded by the 2022 one; a 10-Q is another type
    ['Which segments does Acme report?', ['acme_2022_10k', 'acme_2023q2_10q']],
    // current reports are never superseded: each reports its own event
    ["What did Globex's 8-K say about the board?", ['globex_2023_8k_a', 'globex_2023_8k_b']],
  ])('%s', (question, ids) => {
    expect([...(route(question).filter?.documentIds ?? [])].sort()).toEqual([...ids].sort())
  })

  it('does not filter when no company is named and several issuers are stored', () => {
    const decision = route('What drove the reduction in SG&A in FY2023?')
    expect(decision.filter).toBeUndefined()
    expect(decision.reason).toMatch(/no company/)
  })

  it.each([
    ['How did cash change between FY2022 and Q2 of FY2023?', ['acme_2023q2_10q', 'globex_2023q2_10q']],
    ['What was announced on May 26, 2023?', ['globex_2023_8k_b']],
    ['What was the cash balance in FY2023?', undefined],
    ['What was the cash balance in Q4 2022?', ['iw_2022q4_earnings']],
  ])('without an issuer, routes only when a quarter or date pins at most two filings: %s', (question, ids) => {
    const documentIds = route(question).filter?.documentIds
    expect(documentIds === undefined ? undefined : [...documentIds].sort()).toEqual(ids)
  })

  it('marks the company and document-type tokens as consumed so they are not searched', () => {
    const a = analyzeQuery("Globex's 10-K revenue")
    const decision = table.route(a)
    const consumed = [...decision.consumed].map((i) => a.tokens[i])
    expect(consumed).toEqual(expect.arrayContaining(['globex', '10', 'k']))
    expect(consumed).not.toContain('revenue')
  })

  it('routes every question to the only issuer of a single-company store', () => {
    const single = new RoutingTable([store[0]!, store[1]!])
    expect(single.route(analyzeQuery('What was capex in FY2022?')).filter?.documentIds).toEqual(['acme_2022_10k'])
  })

  it('reads a store of unnamed documents as one issuer: one search over them, not a side per document', () => {
    const unnamed = new RoutingTable(Array.from({ length: 40 }, (_, i) => doc(`upload-${i}`, {})))
    const decision = unnamed.route(analyzeQuery('What was total revenue in fiscal 2023?'))
    expect(decision.sides).toBeUndefined()
    expect(decision.filter?.documentIds).toHaveLength(40)
  })

  it('changes signature only when ids or active versions change', () => {
    const a = RoutingTable.signatureOf(store)
    expect(RoutingTable.signatureOf([...store].reverse())).toBe(a)
    expect(RoutingTable.signatureOf([...store.slice(1), doc('acme_2018_10k', { company: 'Acme' }, 2)])).not.toBe(a)
  })
})

describe('abbreviations among many issuers', () => {
  // "Ravcliff Technologies" abbreviates to "rate": a question's plain word must not route to it
  const many = new RoutingTable([
    doc('corning_2022_10k', { company: 'Corning Incorporated', fiscalYear: 2022, docType: '10-K' }),
    doc('rav_2024_10k', { company: 'Ravcliff Technologies 4C, Inc.', fiscalYear: 2024, docType: '10-K' }),
    doc('amex_2022_10k', { company: 'American Express Company', fiscalYear: 2022, docType: '10-K' }),
  ])
  it.each([
    ['How much has the effective tax rate of Corning changed between FY2021 and FY2022?', ['corning_2022_10k']],
    ["What was AmEx's revenue in FY2022?", ['amex_2022_10k']],
    ['What was AMEX revenue in FY2022?', ['amex_2022_10k']],
    ['What was the growth rate of Ravcliff Technologies in 2024?', ['rav_2024_10k']],
  ])('%s', (q, ids) => {
    expect(many.route(analyzeQuery(q)).filter?.documentIds).toEqual(ids)
  })
})

describe('companyAliases', () => {
  it.each([
    ['American Express Company', ['americanexpresscompany', 'americanexpress', 'amex']],
    ['Best Buy Co., Inc.', ['bestbuycoinc', 'bestbuy', 'bebu']],
    ['3M Company', ['3mcompany', '3m']],
    ['PEPSICO', ['pepsico']],
    ['International Business Machines Corp', ['ibm']],
    ['Procter & Gamble Co', ['pg']],
  ])('%s', (name, aliases) => {
    expect(companyAliases(name)).toEqual(expect.arrayContaining(aliases))
  })
})
