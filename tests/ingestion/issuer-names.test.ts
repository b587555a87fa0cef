import { describe, expect, it } from 'vitest'
import { detectMetadata } from '../../src/core/ingest/metadata.js'
import { findIssuerSpelling } from '../../src/core/ingest/issuer-spelling.js'

// Names as people write them: file names and covers print issuers in capitals or glued into one word;
// the filing's own text spells them properly, and every document of an issuer gets that one spelling.
describe('issuer names at ingest', () => {
  it.each([
    [
      'ACTIVISIONBLIZZARD_2019_10K.pdf',
      'FORM 10-K\nACTIVISION BLIZZARD, INC.\n(Exact name of registrant as specified in its charter)\nActivision Blizzard, Inc. is a leading developer of games.',
      'Activision Blizzard, Inc.',
      'Activision Blizzard 2019 Form 10-K',
    ],
    [
      'ULTABEAUTY_2023Q4_EARNINGS.pdf',
      'Ulta Beauty Announces Fourth Quarter Results\nBOLINGBROOK, Ill. -- Ulta Beauty, Inc. (NASDAQ: ULTA) today announced',
      'Ulta Beauty, Inc.',
      'Ulta Beauty 2023 Q4 earnings release',
    ],
    [
      'PEPSICO_2023Q1_EARNINGS.pdf',
      'PepsiCo Reports First Quarter 2023 Results\nPURCHASE, N.Y. - PepsiCo, Inc. (NASDAQ: PEP) today reported',
      'PepsiCo, Inc.',
      'PepsiCo 2023 Q1 earnings release',
    ],
    [
      'AMCOR_2023_10K.pdf',
      'FORM 10-K\nAMCOR PLC\n(Exact name of registrant as specified in its charter)\nAmcor plc is a global leader in packaging.',
      'Amcor plc',
      'Amcor 2023 Form 10-K',
    ],
    [
      'MICROSOFT_2023_10K.pdf',
      'FORM 10-K\nMICROSOFT CORPORATION\nWASHINGTON 91-1144442\nMicrosoft Corporation develops software.',
      'Microsoft Corporation',
      'Microsoft 2023 Form 10-K',
    ],
  ])('%s → company and title from the text', (file, text, company, title) => {
    expect(detectMetadata(file, text)).toMatchObject({ company, title })
  })

  it('the earnings release and the 10-K of one issuer get the same company name', () => {
    const tenK = detectMetadata('PEPSICO_2022_10K.pdf', 'FORM 10-K\nPepsiCo, Inc.\n(Exact name of registrant as specified in its charter)')
    const release = detectMetadata('PEPSICO_2023Q1_EARNINGS.pdf', 'PURCHASE, N.Y. - PepsiCo, Inc. (NASDAQ: PEP) today reported')
    expect(release.company).toBe(tenK.company)
  })

  it('prefers the mixed-case spelling, the most frequent one, and never spells across a line break', () => {
    expect(findIssuerSpelling('BESTBUY', 'BEST BUY CO., INC.\nBest Buy Co., Inc. operates stores. Best Buy sells.')).toEqual({
      name: 'Best Buy',
      legalName: 'Best Buy Co., Inc.',
    })
    expect(findIssuerSpelling('FOOTLOCKER', 'Foot\nLocker')).toBeUndefined()
    expect(findIssuerSpelling('NVIDIA', 'Nothing about it here.')).toBeUndefined()
  })

  it('keeps a name that is already mixed case, and overrides win', () => {
    expect(
      detectMetadata('notes.pdf', 'FORM 10-K\nZephyr Tools Corporation\n(Exact name of registrant as specified in its charter)'),
    ).toMatchObject({ company: 'Zephyr Tools Corporation' })
    expect(detectMetadata('AMCOR_2023_10K.pdf', 'Amcor plc', { company: 'Amcor', title: 'Custom' })).toMatchObject({
      company: 'Amcor',
      title: 'Custom',
    })
  })
})
