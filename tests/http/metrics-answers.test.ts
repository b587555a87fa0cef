import { describe, expect, it } from 'vitest'
import type { AnswerResult } from '../../src/core/answer/answer-result.js'
import { createMetrics } from '../../src/http/metrics.js'

const result: AnswerResult = {
  answer: 'Revenue was 10 [1]',
  mode: 'extractive',
  citations: [],
  unsupportedNumbers: [],
  checks: [],
  removedCitations: [],
  model: null,
  voice: null,
  prompt: 'extractive@1',
  usage: null,
  timings: { retrievalMs: 2, modelMs: 0, totalMs: 3 },
}

describe('answer metrics', () => {
  it('logs an answer at once, before prom-client has loaded, and counts it once it has', async () => {
    const metrics = createMetrics({ defaultMetrics: false })
    const logged: string[] = []
    metrics.observeAnswer(result, { info: (_obj, msg) => logged.push(msg) })
    // the log line does not wait for the metrics module
    expect(logged).toEqual(['answered'])
    const { text } = await metrics.scrape()
    expect(text).toMatch(/ragtune_answers_total\{mode="extractive"\} 1/)
  })
})
