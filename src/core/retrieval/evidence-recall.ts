/**
 * Evidence-page retrieval metrics. A question's answer is "found at rank r" when the r-th retrieved
 * source (sources are already de-duplicated, one per place) comes from the question's document and its
 * page span contains one of the evidence pages. recall@k is the share of questions found at rank ≤ k;
 * MRR averages 1/r (0 when not found within the sources retrieved).
 */
export interface EvidenceTarget {
  readonly documentId: string
  /** 1-based PDF pages */
  readonly pages: readonly number[]
}

export interface SourceSpan {
  readonly documentId: string
  readonly pageStart: number
  readonly pageEnd: number
}

/** 1-based rank of the first source that holds evidence, or undefined. */
export function firstEvidenceRank(target: EvidenceTarget, sources: readonly SourceSpan[]): number | undefined {
  const index = sources.findIndex((s) => s.documentId === target.documentId && target.pages.some((p) => p >= s.pageStart && p <= s.pageEnd))
  return index < 0 ? undefined : index + 1
}

export interface RecallReport {
  readonly questions: number
  readonly recall: Readonly<Record<string, number>>
  readonly mrr: number
}

export function summariseRanks(ranks: readonly (number | undefined)[], ks: readonly number[] = [1, 3, 5, 10]): RecallReport {
  const n = ranks.length
  const round = (x: number): number => Math.round(x * 1000) / 1000
  const recall: Record<string, number> = {}
  for (const k of ks) recall[String(k)] = n === 0 ? 0 : round(ranks.filter((r) => r !== undefined && r <= k).length / n)
  const mrr = n === 0 ? 0 : round(ranks.reduce<number>((sum, r) => sum + (r === undefined ? 0 : 1 / r), 0) / n)
  return { questions: n, recall, mrr }
}
