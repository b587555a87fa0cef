/**
 * Trading symbols printed on an SEC filing's cover, in the "Securities registered pursuant to Section
 * 12(b)" table: "Common Stock, $0.10 par value   BBY   New York Stock Exchange". Only equity rows
 * (common or ordinary shares) count, so note symbols ("MMM26") are left out.
 */
const EQUITY_ROW =
  /\b(?:[Cc]ommon|[Oo]rdinary|COMMON|ORDINARY)\b[^\n]*?\b(?:[Ss]tock|[Ss]hares?|STOCK|SHARES?)\b[^\n]*?[\s\t]([A-Z]{2,5})[\s\t]+(?:The\s+)?(?:New York|NYSE|NASDAQ|Nasdaq|Chicago|London|Toronto|Cboe|CBOE)/g

export function detectTickers(coverText: string): string[] {
  const found = new Set<string>()
  for (const m of coverText.matchAll(EQUITY_ROW)) if (m[1] !== undefined) found.add(m[1])
  return [...found]
}
