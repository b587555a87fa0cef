/**
 * The primary financial statements. A question about a line item is usually answered on one of them,
 * so the retriever recognises which statement a question needs and which chunks are that statement.
 */
export const STATEMENTS = ['income', 'balance', 'cashflow'] as const
export type Statement = (typeof STATEMENTS)[number]

/** Words a question uses to name the statement itself. */
export const STATEMENT_MENTIONS: Readonly<Record<Statement, readonly (readonly string[])[]>> = {
  income: [
    ['income', 'statement'],
    ['income', 'statements'],
    ['statement', 'of', 'income'],
    ['statements', 'of', 'income'],
    ['statement', 'of', 'operations'],
    ['statements', 'of', 'operations'],
    ['p', 'l'],
    ['profit', 'and', 'loss'],
    ['statement', 'of', 'earnings'],
  ],
  balance: [
    ['balance', 'sheet'],
    ['balance', 'sheets'],
    ['statement', 'of', 'financial', 'position'],
  ],
  cashflow: [
    ['cash', 'flow', 'statement'],
    ['cash', 'flows', 'statement'],
    ['statement', 'of', 'cash', 'flows'],
    ['statements', 'of', 'cash', 'flows'],
    ['cash', 'flow', 'statements'],
  ],
}

/**
 * A query for the statement's own page: its title words and the captions every issuer prints on it.
 * Terms rather than phrases, because PDF text often splits words ("Balance Shee t", "Cash Flow s").
 */
export const STATEMENT_QUERY: Readonly<Record<Statement, readonly string[]>> = {
  income: [
    'consolidated',
    'statements',
    'income',
    'operations',
    'revenues',
    'net',
    'sales',
    'cost',
    'operating',
    'income',
    'taxes',
    'earnings',
    'per',
    'share',
    'diluted',
    'basic',
  ],
  balance: [
    'consolidated',
    'balance',
    'sheets',
    'total',
    'assets',
    'current',
    'liabilities',
    'shareholders',
    'stockholders',
    'equity',
    'cash',
    'equivalents',
    'receivable',
    'inventories',
    'property',
    'equipment',
    'goodwill',
  ],
  cashflow: [
    'consolidated',
    'statements',
    'cash',
    'flows',
    'operating',
    'activities',
    'investing',
    'financing',
    'net',
    'provided',
    'used',
    'depreciation',
    'amortization',
    'purchases',
  ],
}

/**
 * Captions printed on each statement. A chunk carrying at least three distinct captions of one statement,
 * in number-dense text, is taken to be (part of) that statement: a statement page is often split over
 * two chunks, so no single caption can be required. Cheap regexes, cached per chunk hash by the retriever.
 */
const CAPTIONS: Readonly<Record<Statement, readonly RegExp[]>> = {
  cashflow: [
    /operating\s+activities/i,
    /investing\s+activities/i,
    /financing\s+activities/i,
    /net\s+cash\s+(?:provided|used|from)/i,
    /purchases?\s+of\s+property|capital\s+expenditures|additions\s+to\s+property/i,
    /dividends\s+paid|cash\s+dividends/i,
    /proceeds\s+from/i,
    /cash\s+and\s+cash\s+equivalents[^\n]*(?:beginning|end)\s+of/i,
    /depreciation\s+and\s+amortization/i,
    /(?:repurchases?|purchases?)\s+of\s+(?:common|treasury)\s+stock/i,
  ],
  balance: [
    /total\s+assets/i,
    /total\s+liabilities/i,
    /total\s+current\s+assets/i,
    /total\s+current\s+liabilities/i,
    /(?:stockholders|shareholders|share\s*owners)[’']?\s+equity|total\s+equity/i,
    /accounts\s+receivable|receivables/i,
    /inventories/i,
    /goodwill/i,
    /accounts\s+payable/i,
    /retained\s+earnings|accumulated\s+deficit/i,
    /accumulated\s+depreciation|property[^\n]*net/i,
  ],
  income: [
    /net\s+(?:income|earnings|loss)/i,
    /(?:total\s+)?(?:net\s+)?revenues?|net\s+sales/i,
    /per\s+(?:common\s+)?share|diluted/i,
    /operating\s+income|income\s+from\s+operations|operating\s+profit/i,
    /income\s+before\s+(?:income\s+)?taxes|pretax\s+income|provision\s+for\s+(?:income\s+)?taxes|income\s+tax\s+expense/i,
    /cost\s+of\s+(?:sales|revenues?|goods|products)/i,
    /gross\s+(?:profit|margin)/i,
    /selling,?\s+general|research\s+and\s+development/i,
    /total\s+(?:costs\s+and\s+)?expenses/i,
    /interest\s+expense/i,
  ],
}

/** Statements whose captions the text carries; usually zero or one. */
export function classifyStatement(text: string): Statement[] {
  // a statement page is dense with numbers; a narrative page that names the captions is not one
  const digits = text.replace(/[^0-9]/g, '').length
  if (digits < text.length * 0.08) return []
  return STATEMENTS.filter((s) => CAPTIONS[s].filter((re) => re.test(text)).length >= 3)
}
