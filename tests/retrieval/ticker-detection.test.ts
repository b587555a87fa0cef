import { describe, expect, it } from 'vitest'
import { detectTickers } from '../../src/core/retrieval/ticker-detection.js'

describe('detectTickers', () => {
  it.each([
    ['Common Stock, $0.10 par value per share\tBBY\tNew York Stock Exchange', ['BBY']],
    ['Common stock, $0.00000625 par value per share\tMSFT\tNASDAQ\n3.125% Notes due 2028\tMSFT\tNASDAQ', ['MSFT']],
    ['Common Stock, $0.0001 par value per share ADBE NASDAQ', ['ADBE']],
    [
      'Ordinary Shares, par value $0.01 per share\tAMCR\tNew York Stock Exchange\n1.125% Guaranteed Senior Notes Due 2027\tAUKF/27\tNew York Stock Exchange',
      ['AMCR'],
    ],
    [
      'Common Stock, Par Value $.01 Per Share\tMMM\tNew York Stock Exchange\n0.950% Notes due 2023\tMMM23\tNew York Stock Exchange',
      ['MMM'],
    ],
    ['Common Stock, par value 1-2/3 cents per share\tPEP\tThe Nasdaq Stock Market LLC', ['PEP']],
    ['Our common stock trades on several markets and we have no ticker line here.', []],
  ])('%j → %j', (text, tickers) => {
    expect(detectTickers(text)).toEqual(tickers)
  })
})
