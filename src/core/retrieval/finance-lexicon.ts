import type { Statement } from './financial-statements.js'

/**
 * The finance vocabulary gap: analysts ask for "capex", filings print "Purchases of property, plant
 * and equipment". Each concept lists how a question names it (triggers), how statements and notes print
 * it (lines), and the statements it lives on. Ratios name their parts, so a question about "quick ratio"
 * searches for the balance-sheet lines it is computed from. General accounting vocabulary only: nothing
 * here names an issuer or a particular filing.
 */
export interface FinanceConcept {
  readonly id: string
  readonly triggers: readonly string[]
  readonly lines: readonly string[]
  readonly statements: readonly Statement[]
}

export const FINANCE_CONCEPTS: readonly FinanceConcept[] = [
  {
    id: 'capex',
    triggers: [
      'capital expenditure',
      'capital expenditures',
      'capex',
      'capital spending',
      'capital investment',
      'capital intensive',
      'capital intensity',
    ],
    lines: [
      'purchases of property plant and equipment',
      'capital expenditures',
      'additions to property and equipment',
      'payments for property plant and equipment',
      'purchases of property and equipment',
      'capital spending',
    ],
    statements: ['cashflow'],
  },
  {
    id: 'ppe',
    triggers: [
      'ppne',
      'pp e',
      'ppe',
      'property plant and equipment',
      'property and equipment',
      'fixed assets',
      'fixed asset',
      'capital intensive',
    ],
    lines: ['property plant and equipment net', 'property and equipment net', 'accumulated depreciation', 'property plant and equipment'],
    statements: ['balance'],
  },
  {
    id: 'revenue',
    triggers: ['revenue', 'revenues', 'sales', 'top line', 'turnover', 'topline'],
    lines: ['net sales', 'total revenues', 'net revenues', 'total net sales', 'revenues', 'net revenue'],
    statements: ['income'],
  },
  {
    id: 'cogs',
    triggers: ['cogs', 'cost of goods sold', 'cost of sales', 'cost of revenue', 'cost of revenues'],
    lines: ['cost of revenue', 'cost of sales', 'cost of goods sold', 'total cost of revenue', 'cost of products sold'],
    statements: ['income'],
  },
  {
    id: 'gross-margin',
    triggers: ['gross margin', 'gross margins', 'gross profit'],
    lines: ['gross profit', 'gross margin', 'cost of sales', 'net sales'],
    statements: ['income'],
  },
  {
    id: 'operating-income',
    triggers: ['operating margin', 'operating income', 'operating profit', 'ebit', 'operating margins'],
    lines: ['operating income', 'income from operations', 'operating profit', 'total operating expenses'],
    statements: ['income'],
  },
  {
    id: 'net-income',
    triggers: [
      'net income',
      'net profit',
      'net profit margin',
      'net earnings',
      'net margin',
      'bottom line',
      'return on assets',
      'roa',
      'return on equity',
      'roe',
    ],
    lines: ['net income', 'net earnings', 'net income attributable'],
    statements: ['income'],
  },
  {
    id: 'operating-cash-flow',
    triggers: [
      'operating cash flow',
      'cash from operations',
      'cash flow from operations',
      'cash flows from operations',
      'operating activities',
      'cash generated',
    ],
    lines: ['net cash provided by operating activities', 'cash flows from operating activities'],
    statements: ['cashflow'],
  },
  {
    id: 'cash-flow-activities',
    triggers: ['investing activities', 'financing activities', 'cash flow', 'cash flows'],
    // "Net cash used in …" and "Total cash used in …" alike: the lines are matched as phrases inside captions
    lines: ['cash used in investing activities', 'cash used in financing activities', 'cash provided by operating activities'],
    statements: ['cashflow'],
  },
  {
    id: 'free-cash-flow',
    triggers: ['free cash flow', 'free cashflow', 'fcf', 'cash conversion', 'cashflow conversion'],
    lines: [
      'net cash provided by operating activities',
      'purchases of property plant and equipment',
      'capital expenditures',
      'free cash flow',
    ],
    statements: ['cashflow'],
  },
  {
    id: 'depreciation',
    triggers: ['depreciation', 'amortization', 'd a', 'ebitda'],
    lines: ['depreciation and amortization', 'depreciation amortization'],
    statements: ['cashflow'],
  },
  {
    id: 'ebitda',
    triggers: ['ebitda'],
    lines: ['operating income', 'depreciation and amortization', 'adjusted ebitda'],
    statements: ['income', 'cashflow'],
  },
  {
    id: 'dividends',
    triggers: ['dividend', 'dividends', 'payout'],
    lines: ['dividends paid', 'cash dividends', 'dividends declared', 'dividends to shareholders'],
    statements: ['cashflow'],
  },
  {
    id: 'buybacks',
    triggers: ['buyback', 'buybacks', 'share repurchases', 'stock repurchases', 'repurchase', 'repurchases', 'repurchased'],
    lines: [
      'repurchase of common stock',
      'repurchases of common stock',
      'purchases of treasury stock',
      'share repurchases',
      'shares repurchased',
    ],
    statements: ['cashflow'],
  },
  {
    id: 'inventory',
    triggers: ['inventory', 'inventories', 'inventory turnover', 'days inventory'],
    lines: ['inventories', 'merchandise inventories', 'total inventories'],
    statements: ['balance'],
  },
  {
    id: 'inventory-turnover',
    triggers: ['inventory turnover', 'days inventory', 'dio'],
    lines: ['cost of sales', 'cost of goods sold', 'inventories'],
    statements: ['income', 'balance'],
  },
  {
    id: 'receivables',
    triggers: ['receivable', 'receivables', 'dso', 'days sales outstanding'],
    lines: ['accounts receivable net', 'trade receivables'],
    statements: ['balance'],
  },
  {
    id: 'payables',
    triggers: ['payable', 'payables', 'dpo', 'days payable'],
    lines: ['accounts payable', 'trade payables'],
    statements: ['balance'],
  },
  {
    id: 'working-capital',
    triggers: ['working capital', 'current ratio', 'liquidity'],
    lines: ['total current assets', 'total current liabilities'],
    statements: ['balance'],
  },
  {
    id: 'quick-ratio',
    triggers: ['quick ratio', 'acid test', 'liquidity profile', 'quick assets'],
    lines: [
      'total current assets',
      'total current liabilities',
      'cash and cash equivalents',
      'accounts receivable',
      'short term investments',
      'marketable securities',
    ],
    statements: ['balance'],
  },
  {
    id: 'debt',
    triggers: ['debt', 'borrowings', 'leverage', 'indebtedness', 'debt to equity', 'notes payable'],
    lines: [
      'long term debt',
      'short term borrowings',
      'current portion of long term debt',
      'total debt',
      'long term borrowings',
      'notes payable',
    ],
    statements: ['balance'],
  },
  {
    id: 'total-assets',
    triggers: ['total assets', 'asset base', 'return on assets', 'roa', 'asset turnover'],
    lines: ['total assets'],
    statements: ['balance'],
  },
  {
    id: 'liabilities',
    triggers: ['liability', 'liabilities'],
    lines: ['total liabilities', 'total current liabilities', 'liabilities and shareholders equity'],
    statements: ['balance'],
  },
  {
    id: 'equity',
    triggers: ['shareholders equity', 'stockholders equity', 'book value', 'return on equity', 'roe', 'debt to equity'],
    lines: ['total shareholders equity', 'total stockholders equity', 'total equity'],
    statements: ['balance'],
  },
  {
    id: 'cash',
    triggers: ['cash and cash equivalents', 'cash equivalents', 'cash balance', 'cash position'],
    lines: ['cash and cash equivalents', 'cash and cash equivalents at end of period'],
    statements: ['balance'],
  },
  {
    id: 'tax-rate',
    triggers: ['effective tax rate', 'tax rate', 'etr', 'income tax rate'],
    lines: ['effective tax rate', 'provision for income taxes', 'income tax expense', 'statutory rate', 'effective income tax rate'],
    statements: [],
  },
  {
    id: 'sga',
    triggers: ['sg a', 'sga', 'selling general and administrative', 'overhead'],
    lines: ['selling general and administrative expenses', 'selling general and administrative'],
    statements: ['income'],
  },
  {
    id: 'eps',
    triggers: ['eps', 'earnings per share'],
    lines: ['earnings per share', 'diluted', 'net income per share', 'per share'],
    statements: ['income'],
  },
  {
    id: 'interest-coverage',
    triggers: ['interest coverage', 'interest expense', 'times interest earned'],
    lines: ['interest expense', 'operating income'],
    statements: ['income'],
  },
  {
    id: 'restructuring',
    triggers: ['restructuring'],
    lines: [
      'restructuring charges',
      'restructuring and impairment charges',
      'restructuring costs',
      'restructuring reserve',
      'restructuring liability',
    ],
    statements: [],
  },
  {
    id: 'acquisitions',
    triggers: ['acquisition', 'acquisitions', 'acquired', 'acquire', 'm a', 'mergers'],
    lines: ['acquisitions', 'business combinations', 'acquired', 'purchase price', 'completed the acquisition'],
    statements: [],
  },
  {
    id: 'divestitures',
    triggers: ['spin off', 'spinoff', 'spin', 'divest', 'divestiture', 'separation', 'discontinued'],
    lines: ['spin off', 'separation', 'discontinued operations', 'divestiture'],
    statements: [],
  },
  {
    id: 'segments',
    triggers: ['segment', 'segments', 'geographies', 'geographic', 'geography', 'regions', 'region', 'international', 'markets'],
    lines: ['segment', 'geographic', 'regions', 'international', 'united states'],
    statements: [],
  },
  {
    id: 'litigation',
    triggers: ['legal', 'litigation', 'lawsuit', 'lawsuits', 'legal proceedings', 'legal battles'],
    lines: ['legal proceedings', 'litigation', 'contingencies', 'lawsuits'],
    statements: [],
  },
  { id: 'guidance', triggers: ['guidance', 'outlook', 'forecast'], lines: ['guidance', 'outlook', 'full year', 'expects'], statements: [] },
  {
    id: 'securities',
    triggers: ['registered', 'trading symbol', 'ticker', 'listed', 'exchange'],
    lines: ['securities registered pursuant to section 12 b', 'trading symbol', 'name of each exchange on which registered'],
    statements: [],
  },
  {
    id: 'votes',
    triggers: ['vote', 'votes', 'voted', 'voting', 'nominee', 'nominees', 'shareholder proposal', 'agm', 'annual meeting'],
    lines: [
      'votes for',
      'votes against',
      'abstentions',
      'broker non votes',
      'annual meeting of shareholders',
      'submission of matters to a vote of security holders',
    ],
    statements: [],
  },
  {
    id: 'executives',
    triggers: ['ceo', 'chief executive', 'executive officer', 'cfo', 'appointed', 'appointment', 'board member'],
    lines: ['chief executive officer', 'appointed', 'served as', 'departure of directors or certain officers'],
    statements: [],
  },
  {
    id: 'credit-facility',
    triggers: ['credit agreement', 'revolving credit', 'credit facility', 'revolver', 'borrow'],
    lines: ['revolving credit agreement', 'credit agreement', 'aggregate principal amount', 'commitments'],
    statements: [],
  },
  {
    id: 'organic-growth',
    triggers: ['organic', 'fx', 'currency', 'constant currency', 'excluding', 'exclude'],
    lines: ['organic sales', 'constant currency', 'foreign currency', 'currency impact'],
    statements: [],
  },
  {
    id: 'payout-ratio',
    triggers: ['payout ratio', 'dividend payout', 'dividend payout ratio'],
    lines: ['cash dividends declared', 'dividends paid', 'net income'],
    statements: ['cashflow', 'income'],
  },
  {
    id: 'cash-conversion-cycle',
    triggers: ['cash conversion cycle', 'ccc', 'days sales outstanding', 'days payable outstanding', 'days inventory outstanding'],
    lines: ['accounts receivable', 'inventories', 'accounts payable', 'cost of sales', 'revenues'],
    statements: ['balance', 'income'],
  },
  {
    id: 'deferred-revenue',
    triggers: ['unearned revenue', 'deferred revenue', 'contract liabilities', 'unearned revenues'],
    lines: ['deferred revenue', 'unearned revenue', 'contract liabilities'],
    statements: ['balance'],
  },
  {
    id: 'research',
    triggers: ['r d', 'research and development', 'r and d'],
    lines: ['research and development', 'research development and engineering'],
    statements: ['income'],
  },
  {
    id: 'goodwill',
    triggers: ['goodwill', 'impairment', 'impairments', 'intangible', 'intangibles'],
    lines: ['goodwill', 'intangible assets net', 'impairment charges'],
    statements: ['balance'],
  },
  {
    id: 'shares',
    triggers: ['shares outstanding', 'share count', 'diluted shares', 'weighted average shares', 'dilution'],
    lines: ['weighted average shares outstanding', 'shares outstanding', 'diluted'],
    statements: ['income'],
  },
  {
    id: 'stock-compensation',
    triggers: ['stock based compensation', 'share based compensation', 'sbc', 'equity compensation'],
    lines: ['stock based compensation', 'share based compensation expense'],
    statements: ['cashflow'],
  },
  {
    id: 'pretax-income',
    triggers: ['pretax income', 'pre tax income', 'income before taxes', 'ebt', 'earnings before taxes'],
    lines: ['income before income taxes', 'earnings before income taxes', 'income before provision for income taxes'],
    statements: ['income'],
  },
  {
    id: 'leases',
    triggers: ['lease', 'leases', 'leasing', 'operating lease'],
    lines: ['operating lease liabilities', 'lease obligations', 'right of use assets'],
    statements: [],
  },
  {
    id: 'retention',
    triggers: ['retain', 'retained', 'retention', 'churn', 'attrition', 'renewal', 'loyalty'],
    lines: ['retention', 'attrition', 'churn', 'renewal rates', 'loyalty', 'customer retention'],
    statements: [],
  },
  {
    id: 'wages',
    triggers: ['wages', 'compensation', 'payroll', 'labor', 'salaries'],
    lines: ['wages', 'compensation', 'salaries', 'payroll', 'employee costs'],
    statements: [],
  },
]
