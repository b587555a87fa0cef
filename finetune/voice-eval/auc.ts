/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a random positive scores above a random
 * negative, ties counting half. Undefined (NaN) without both classes.
 */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  if (scores.length !== labels.length) throw new Error('rocAuc needs one label per score')
  const items = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s)
  const positives = items.filter((x) => x.y === 1).length
  const negatives = items.length - positives
  if (positives === 0 || negatives === 0) return Number.NaN
  let rankSum = 0
  for (let i = 0; i < items.length;) {
    let j = i
    while (j + 1 < items.length && items[j + 1]!.s === items[i]!.s) j++
    // tied run i..j shares the average of ranks i+1..j+1
    const avgRank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) if (items[k]!.y === 1) rankSum += avgRank
    i = j + 1
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}
