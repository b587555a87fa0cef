import type { Target } from './derivation.js'
import { figureScales, type SourceFigure, type SourceFigures } from './source-figures.js'

/**
 * Label-guided derivation: when the claim names a metric an analyst computes ("gross margin", "quick
 * ratio", "FCF conversion", "working capital"), the number is checked against that metric's formula over
 * the statement rows that print its inputs, for the periods the claim names — not against any expression
 * over any figures. A right "0.8% decline in gross margin" is the change of gross profit / revenue between
 * two years; a wrong one is not, even if some unrelated ratio on the page happens to give it.
 *
 * The search is bounded and small, which is why loose targets ("0.8%", "2.8%") may be checked this way:
 * each input line resolves to at most MAX_CANDIDATES rows per source (rows whose label is that line's
 * caption), a formula has at most four lines, and the results tried are the metric for each named period,
 * its change between two named periods (points and percent) and, when the claim says "average", its mean
 * over the named span. That is a few dozen values at most, all of them the named metric; the generic
 * search (`findDerivation`) is not tried for a claim whose metric is computable.
 */
export interface MetricRow {
  readonly n: number
  readonly label: string
  readonly figures: readonly SourceFigure[]
  readonly bareScales: readonly number[]
  /** the fiscal year of each column, when the source's table header gives them */
  readonly years: readonly string[] | undefined
}

type Line =
  | 'revenue'
  | 'cogs'
  | 'grossProfit'
  | 'operatingIncome'
  | 'netIncome'
  | 'depreciation'
  | 'capex'
  | 'operatingCashFlow'
  | 'currentAssets'
  | 'currentLiabilities'
  | 'inventories'
  | 'cash'
  | 'shortTermInvestments'
  | 'receivables'
  | 'payables'
  | 'currentDebt'
  | 'longTermDebt'
  | 'taxProvision'
  | 'pretaxIncome'
  | 'totalAssets'
  | 'dividends'
  | 'ppe'

/**
 * A statement caption, matched on the label's letters only (lower case, no spaces or punctuation), since
 * page text sometimes loses the spaces ("NetearningsattributabletoBestBuy…") or the section words before
 * the caption ("Cash flows from investing activities Purchases of …").
 */
const LINES: Record<Line, (label: string) => boolean> = {
  revenue: (l) => /^(?:total)?(?:net)?(?:revenues?|sales)(?:net)?$/.test(l),
  cogs: (l) => /^(?:total)?costof(?:sales|revenues?|goodssold|productssold)$/.test(l),
  grossProfit: (l) => /gross(?:profit|margin)$/.test(l),
  operatingIncome: (l) => /^(?:total)?(?:operating(?:income|profit)(?:loss)?|incomefromoperations)$/.test(l),
  netIncome: (l) =>
    /^net(?:income|earnings)/.test(l) &&
    !/attributabletononcontrolling|pershare|continuingoperations|discontinued|adjustments|margin|tonetcash/.test(l),
  depreciation: (l) => /^depreciation(?:and)?amortization/.test(l),
  capex: (l) => /(?:purchasesof|paymentsfor|additionsto)property(?:plant)?(?:and)?equipment|capitalexpenditures?$|capitalspending$/.test(l),
  operatingCashFlow: (l) => /^netcash.*operatingactivities$/.test(l),
  currentAssets: (l) => /totalcurrentassets$/.test(l),
  currentLiabilities: (l) => /totalcurrentliabilities$/.test(l),
  inventories: (l) => /^(?:total|merchandise)?inventor(?:y|ies)/.test(l),
  cash: (l) => /^cashandcashequivalents$/.test(l),
  shortTermInvestments: (l) => /^(?:shortterminvestments|marketablesecurities(?:current)?)$/.test(l),
  receivables: (l) => /^(?:accounts|trade|notesand|accountsandnotes)?(?:accounts)?receivables?(?:net.*)?$/.test(l),
  payables: (l) => /^(?:accounts|trade)payables?$/.test(l),
  currentDebt: (l) => /^(?:shorttermdebt|shorttermborrowings|currentportionof(?:long)?termdebt)/.test(l),
  longTermDebt: (l) => /^longtermdebt(?:net|lesscurrentportion|excludingcurrentportion)?$/.test(l),
  taxProvision: (l) =>
    /^(?:provisionfor|benefitfrom)?incometax(?:es)?(?:expense|provision)?(?:benefit)?$|^provisionforincometaxes$/.test(l),
  pretaxIncome: (l) => /^(?:income|earnings).*before.*incometax/.test(l),
  totalAssets: (l) => /^totalassets$/.test(l),
  dividends: (l) => /dividends/.test(l) && /paid|cash/.test(l),
  ppe: (l) => /^property(?:plant)?(?:and)?equipment.*net$/.test(l),
}

/**
 * Lines a statement may print as a heading over its components without a total ("Inventories, net" over
 * "Raw materials" and "Work in process and finished goods"): text joins the heading to the first
 * component's label, and the line's value is the sum of that row and the next one or two.
 */
const HEADINGS: Partial<Record<Line, RegExp>> = { inventories: /^(?:total|merchandise)?inventor(?:y|ies)(?:net)?(?=[a-z]{4})/ }

/** Costs and outflows are printed with either sign; the formula takes their size. */
const MAGNITUDE: ReadonlySet<Line> = new Set(['cogs', 'capex', 'dividends', 'taxProvision', 'inventories', 'depreciation'])

interface Term {
  readonly line: Line
  readonly sign: 1 | -1
}

interface Formula {
  readonly top: readonly Term[]
  /** absent: an amount (working capital, free cash flow) */
  readonly bottom?: readonly Term[]
  /** the denominator is the average of the period and the one before (turnover, return on average assets) */
  readonly averageBottom?: boolean
  readonly days?: boolean
}

const plus = (line: Line): Term => ({ line, sign: 1 })
const minus = (line: Line): Term => ({ line, sign: -1 })
const ratio = (top: Line, bottom: Line): Formula => ({ top: [plus(top)], bottom: [plus(bottom)] })

interface Metric {
  readonly name: string
  readonly trigger: RegExp
  readonly formulas: readonly Formula[]
}

// General analyst definitions; where practice differs (quick ratio, working capital) each common variant
// is a formula of its own.
const METRICS: readonly Metric[] = [
  {
    name: 'gross margin',
    trigger: /\bgross (?:profit )?margins?\b/i,
    formulas: [ratio('grossProfit', 'revenue'), { top: [plus('revenue'), minus('cogs')], bottom: [plus('revenue')] }],
  },
  { name: 'operating margin', trigger: /\boperating (?:profit )?margins?\b/i, formulas: [ratio('operatingIncome', 'revenue')] },
  { name: 'net margin', trigger: /\bnet (?:profit |income )?margins?\b|\bprofit margins?\b/i, formulas: [ratio('netIncome', 'revenue')] },
  {
    name: 'EBITDA margin',
    trigger: /\bEBITDA\b.{0,30}\bmargins?\b/i,
    formulas: [{ top: [plus('operatingIncome'), plus('depreciation')], bottom: [plus('revenue')] }],
  },
  {
    name: 'EBITDA less capex',
    trigger: /\bEBITDA\b.{0,30}\b(?:less|minus)\b.{0,10}\b(?:capex|capital expenditures?)\b/i,
    formulas: [{ top: [plus('operatingIncome'), plus('depreciation'), minus('capex')] }],
  },
  {
    name: 'free cash flow conversion',
    trigger: /\b(?:FCF|free cash ?flow) conversion\b|\bcash ?flow conversion\b/i,
    formulas: [{ top: [plus('operatingCashFlow'), minus('capex')], bottom: [plus('netIncome')] }],
  },
  {
    name: 'free cash flow margin',
    trigger: /\b(?:FCF|free cash ?flow) margin\b/i,
    formulas: [{ top: [plus('operatingCashFlow'), minus('capex')], bottom: [plus('revenue')] }],
  },
  {
    name: 'quick ratio',
    trigger: /\bquick ratio\b|\bacid[- ]test\b/i,
    formulas: [
      { top: [plus('currentAssets'), minus('inventories')], bottom: [plus('currentLiabilities')] },
      { top: [plus('cash'), plus('shortTermInvestments'), plus('receivables')], bottom: [plus('currentLiabilities')] },
      { top: [plus('cash'), plus('receivables')], bottom: [plus('currentLiabilities')] },
    ],
  },
  { name: 'current ratio', trigger: /\bcurrent ratio\b/i, formulas: [ratio('currentAssets', 'currentLiabilities')] },
  {
    name: 'working capital',
    trigger: /\bworking capital\b/i,
    formulas: [
      { top: [plus('currentAssets'), minus('currentLiabilities')] },
      // operating (non-cash) working capital: without cash and without debt due within the year
      { top: [plus('currentAssets'), minus('cash'), minus('currentLiabilities'), plus('currentDebt')] },
    ],
  },
  {
    // "decreased its debt by $2.5bn": the change of the debt lines the balance sheet prints, summed
    name: 'debt',
    trigger: /\b(?:increas|decreas|chang|reduc|rais)\w*\b.{0,40}\bdebt\b|\bdebt\b.{0,40}\b(?:increas|decreas|chang|reduc)\w*/i,
    formulas: [{ top: [plus('currentDebt'), plus('longTermDebt')] }, { top: [plus('longTermDebt')] }],
  },
  { name: 'effective tax rate', trigger: /\beffective (?:income )?tax rate\b/i, formulas: [ratio('taxProvision', 'pretaxIncome')] },
  {
    name: 'capex to revenue',
    trigger:
      /\b(?:capex|capital expenditures?)\b.{0,30}(?:%|\bpercent|\bratio|\bshare|\bintensity).{0,30}\b(?:revenues?|sales)\b|\b(?:capex|capital expenditures?)\s*\/\s*(?:revenues?|sales)\b/i,
    formulas: [ratio('capex', 'revenue')],
  },
  {
    name: 'return on assets',
    trigger: /\b(?:[Rr]eturn [Oo]n (?:[Aa]verage )?(?:[Tt]otal )?[Aa]ssets|RETURN ON ASSETS|ROA)\b/,
    formulas: [ratio('netIncome', 'totalAssets'), { top: [plus('netIncome')], bottom: [plus('totalAssets')], averageBottom: true }],
  },
  {
    name: 'inventory turnover',
    trigger: /\binventory turnover\b/i,
    formulas: [{ top: [plus('cogs')], bottom: [plus('inventories')], averageBottom: true }, ratio('cogs', 'inventories')],
  },
  { name: 'dividend payout ratio', trigger: /\bpayout ratio\b/i, formulas: [ratio('dividends', 'netIncome')] },
  {
    name: 'days sales outstanding',
    trigger: /\bdays sales outstanding\b|\bDSO\b/,
    formulas: [{ ...ratio('receivables', 'revenue'), days: true }],
  },
  {
    name: 'days payable outstanding',
    trigger: /\bdays payables? outstanding\b|\bDPO\b/,
    formulas: [{ ...ratio('payables', 'cogs'), days: true }],
  },
  {
    name: 'fixed asset turnover',
    trigger: /\bfixed asset turnover\b/i,
    formulas: [{ top: [plus('revenue')], bottom: [plus('ppe')], averageBottom: true }, ratio('revenue', 'ppe')],
  },
]

// A line's rows per source: a caption printed twice (a subtotal and its repeat) gives a handful, never many.
const MAX_CANDIDATES = 3
// consecutive rows summed for a line whose total is not printed ("Raw materials", "Work in process…")
const MAX_PARTS = 3

const CHANGE =
  /\b(?:increas|decreas|declin|grow|grew|growth|rose|rise|fell|fall|drop|jump|improv|deteriorat|chang|shr[iu]nk|expan|contract|compar|from\b.*\bto\b|vs\.?|versus|up|down|higher|lower)/i
// "the 3 year average net margin", "average of capex as a % of revenue": the mean of the metric over periods
// (not "revenue / average PP&E", where the average is the formula's own denominator)
const AVERAGE_BEFORE = /\b(?:average|avg|mean)\b(?:\s+of)?[^.?;]{0,30}$/i
const SPAN_AVERAGE = /\b(?:\d|two|three|four|five)[- ]year average\b/i

/** Whether period p comes before q: years compare; columns of an unknown header may run either way. */
function earlier(p: string, q: string): boolean {
  return !p.startsWith('#') && !q.startsWith('#') && Number(p) < Number(q)
}

export interface MetricDerivation {
  readonly expression: string
  readonly source: number
}

/** The metrics a claim names (its sentence and the question), in the order of METRICS. */
export function namedMetrics(claim: string): readonly Metric[] {
  return METRICS.filter((m) => m.trigger.test(claim))
}

/** The fiscal years a claim names: "FY2022", "fiscal 2021", "2019". */
export function namedYears(claim: string): string[] {
  return [...new Set(claim.match(/(?<!\d)(?:19|20)\d\d(?!\d)/g) ?? [])]
}

/**
 * Rows of the sources with the fiscal year of each column, when the table's header prints them
 * (`columns`: the source's `headerYears`, read once per source).
 */
export function metricRows(sources: readonly { n: number; figures: SourceFigures; columns: readonly string[] | undefined }[]): MetricRow[] {
  const out: MetricRow[] = []
  for (const s of sources) {
    const header = s.columns
    for (const row of s.figures.rows) {
      const figures = row.figures.filter((f) => !f.isYear && !f.isDay)
      if (figures.length === 0 || row.label === '') continue
      // a "% change" column after the period columns ("Net sales $ 14,189 $ 14,082 1%") is no period
      const cells = (header !== undefined ? withoutChangeColumn(figures, header.length) : undefined) ?? figures
      const years = header !== undefined && cells.length === header.length ? header : undefined
      out.push({ n: s.n, label: row.label, figures: cells, bareScales: s.figures.bareScales, years })
    }
  }
  return out
}

/** A row's period cells when the cells after them are percents and they are not (a change column). */
function withoutChangeColumn(figures: readonly SourceFigure[], periods: number): readonly SourceFigure[] | undefined {
  if (figures.length <= periods) return undefined
  const cells = figures.slice(0, periods)
  return cells.every((f) => !f.percent) && figures.slice(periods).every((f) => f.percent) ? cells : undefined
}

/** The first run of distinct years before the first row of amounts: the table's period columns. */
export function headerYears(figures: SourceFigures): string[] | undefined {
  const years: string[] = []
  for (const row of figures.rows) {
    const amounts = row.figures.filter((f) => !f.isYear && !f.isDay)
    for (const f of row.figures) if (f.isYear && !years.includes(f.raw)) years.push(f.raw)
    if (amounts.length >= 2 && amounts.length === row.figures.length) break
  }
  return years.length >= 2 ? years : undefined
}

interface Cell {
  readonly value: number
  readonly text: string
  readonly n: number
  readonly scales: readonly number[]
}

/** A line's value for each period (a year, or "#column" when the header is unknown). */
type Series = ReadonlyMap<string, Cell>

function seriesOf(rows: readonly MetricRow[], magnitude: boolean): Series {
  const first = rows[0] as MetricRow
  const out = new Map<string, Cell>()
  first.figures.forEach((f, i) => {
    const parts = rows.map((r) => r.figures[i])
    if (parts.some((p) => p === undefined || p.percent)) return
    const fs = parts as SourceFigure[]
    const value = fs.reduce((s, p) => s + (magnitude ? Math.abs(p.value) : p.value), 0)
    const text = fs.length === 1 ? f.raw : `(${fs.map((p) => p.raw).join(' + ')})`
    out.set(first.years?.[i] ?? `#${i}`, { value, text, n: first.n, scales: figureScales(f, first.bareScales) })
  })
  return out
}

/** Candidate series of a line: its captioned rows, and for a caption without figures of its own the rows under it summed. */
function lineSeries(line: Line, rows: readonly MetricRow[]): Series[] {
  const out: Series[] = []
  const perSource = new Map<number, number>()
  rows.forEach((row, i) => {
    const caption = captionOf(row.label, LINES[line])
    if (caption === undefined || (perSource.get(row.n) ?? 0) >= MAX_CANDIDATES) return
    perSource.set(row.n, (perSource.get(row.n) ?? 0) + 1)
    const heading = HEADINGS[line]
    if (heading === undefined || !heading.test(caption)) {
      out.push(seriesOf([row], MAGNITUDE.has(line)))
      return
    }
    // a heading joined to its first component: the components summed, never the first one alone
    for (let k = 2; k <= MAX_PARTS; k++) {
      const parts = rows.slice(i, i + k)
      if (parts.length < k || parts.some((p) => p.n !== row.n || p.figures.length !== row.figures.length)) break
      out.push(seriesOf(parts, MAGNITUDE.has(line)))
    }
  })
  return out
}

/**
 * The caption a label ends with: the label from one of its capitalised words on ("Cash flows from operating
 * activities: Net income" → "netincome"), in letters only, that the line's pattern accepts.
 */
function captionOf(label: string, accepts: (caption: string) => boolean): string | undefined {
  const words = label.split(/\s+/)
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && !/^[A-Z]/.test(words[i] as string)) continue
    const caption = words
      .slice(i)
      .join('')
      .toLowerCase()
      .replace(/[^a-z]/g, '')
    if (caption !== '' && accepts(caption)) return caption
  }
  return undefined
}

interface Value {
  readonly value: number
  readonly text: string
  readonly ns: readonly number[]
  readonly scales: readonly number[]
}

/** The formula for each period its inputs share, over every choice of candidate rows (bounded above). */
function evaluate(f: Formula, rows: readonly MetricRow[], cache: Map<Line, Series[]>): Map<string, Value>[] {
  const lines = [...f.top, ...(f.bottom ?? [])].map((t) => t.line)
  const candidates = lines.map((l) => {
    let c = cache.get(l)
    if (c === undefined) cache.set(l, (c = lineSeries(l, rows)))
    return c
  })
  if (candidates.some((c) => c.length === 0)) return []
  const out: Map<string, Value>[] = []
  const pick = (i: number, chosen: Series[]): void => {
    if (i === candidates.length) {
      out.push(periodValues(f, chosen))
      return
    }
    for (const s of candidates[i] as Series[]) pick(i + 1, [...chosen, s])
  }
  pick(0, [])
  return out
}

function periodValues(f: Formula, chosen: readonly Series[]): Map<string, Value> {
  const top = chosen.slice(0, f.top.length)
  const bottom = chosen.slice(f.top.length)
  const periods = [...(chosen[0]?.keys() ?? [])].filter((p) => chosen.every((s) => s.has(p)))
  const out = new Map<string, Value>()
  const sum = (terms: readonly Term[], series: readonly Series[], p: string): { value: number; text: string; cells: Cell[] } => {
    const cells = series.map((s) => s.get(p) as Cell)
    const value = cells.reduce((s, c, i) => s + (terms[i] as Term).sign * c.value, 0)
    const text = cells.map((c, i) => `${i === 0 ? '' : (terms[i] as Term).sign < 0 ? ' − ' : ' + '}${c.text}`).join('')
    return { value, text: cells.length > 1 ? `(${text})` : text, cells }
  }
  periods.forEach((p, i) => {
    const t = sum(f.top, top, p)
    if (f.bottom === undefined) {
      out.set(p, { value: t.value, text: t.text, ns: t.cells.map((c) => c.n), scales: t.cells[0]?.scales ?? [1] })
      return
    }
    let b = sum(f.bottom, bottom, p)
    if (f.averageBottom === true) {
      // the period before is the next column (statements print the latest year first)
      const before = periods[i + 1]
      if (before === undefined) return
      const b2 = sum(f.bottom, bottom, before)
      b = { value: (b.value + b2.value) / 2, text: `((${b.text} + ${b2.text}) / 2)`, cells: [...b.cells, ...b2.cells] }
    }
    if (b.value === 0) return
    const days = f.days === true ? 365 : 1
    out.set(p, {
      value: (t.value / b.value) * days,
      text: `${t.text} / ${b.text}${days > 1 ? ' × 365' : ''}`,
      ns: [...t.cells, ...b.cells].map((c) => c.n),
      scales: [],
    })
  })
  return out
}

/**
 * The named metric's value, change or mean that gives the target, or undefined; `computable` tells the
 * caller whether any named metric could be evaluated at all (then the generic search is not tried).
 */
export function findMetricDerivation(
  t: Target,
  claim: string,
  rows: readonly MetricRow[],
  matchesRatio: (t: Target, r: number) => boolean,
  matchesAmount: (t: Target, r: number, scales: readonly number[], percentPoints: boolean) => boolean,
  /** the year written right after the figure ("20% in FY 2022"): the one period its value or change is for */
  boundYear?: string,
): { computable: boolean; found?: MetricDerivation } {
  const metrics = namedMetrics(claim)
  if (metrics.length === 0) return { computable: false }
  const years = namedYears(claim)
  const change = CHANGE.test(claim)
  const cache = new Map<Line, Series[]>()
  let computable = false
  for (const m of metrics) {
    const at = m.trigger.exec(claim)?.index ?? 0
    const average = SPAN_AVERAGE.test(claim) || AVERAGE_BEFORE.test(claim.slice(0, at))
    for (const f of m.formulas) {
      const isRatio = f.bottom !== undefined
      for (const byPeriod of evaluate(f, rows, cache)) {
        if (byPeriod.size === 0) continue
        computable = true
        const periods = [...byPeriod.keys()]
        const named = periods.filter((p) => years.includes(p))
        const focus = boundYear !== undefined && periods.includes(boundYear) ? [boundYear] : named.length > 0 ? named : periods
        const hits = (r: number, v: Value, points: boolean): boolean =>
          isRatio ? (points ? matchesAmount(t, r * 100, [], true) : matchesRatio(t, r)) : matchesAmount(t, r, v.scales, false)
        const done = (expression: string, ns: readonly number[]): { computable: boolean; found: MetricDerivation } => ({
          computable: true,
          found: { expression: `${m.name}: ${expression} ${[...new Set(ns)].map((n) => `[${n}]`).join('')}`, source: ns[0] ?? 0 },
        })
        if (average) {
          // the mean over the named span (or every period printed), two periods or more
          const lo = named.reduce((m, p) => Math.min(m, Number(p)), Infinity)
          const hi = named.reduce((m, p) => Math.max(m, Number(p)), -Infinity)
          const span = named.length >= 2 ? periods.filter((p) => Number(p) >= lo && Number(p) <= hi) : periods
          const vs = span.map((p) => byPeriod.get(p) as Value)
          if (vs.length >= 2) {
            const mean = vs.reduce((s, v) => s + v.value, 0) / vs.length
            if (hits(mean, vs[0] as Value, false))
              return done(
                `mean of ${vs.map((v) => v.text).join(', ')}`,
                vs.flatMap((v) => v.ns),
              )
          }
          continue
        }
        for (const p of focus) {
          const v = byPeriod.get(p) as Value
          if (hits(v.value, v, false)) return done(v.text, v.ns)
        }
        if (!change) continue
        for (const p of focus) {
          for (const q of periods) {
            if (p === q || (named.length >= 2 && !named.includes(q))) continue
            const a = byPeriod.get(p) as Value
            const b = byPeriod.get(q) as Value
            if (hits(a.value - b.value, a, isRatio && t.percent)) return done(`${a.text} − ${b.text}`, [...a.ns, ...b.ns])
            // a percent change runs from the earlier period to the later one
            if (t.percent && b.value !== 0 && !earlier(p, q) && matchesRatio(t, (a.value - b.value) / Math.abs(b.value)))
              return done(`(${a.text}) / (${b.text}) − 1`, [...a.ns, ...b.ns])
          }
        }
      }
    }
  }
  return { computable }
}
