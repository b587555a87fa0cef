import { describe, expect, it } from 'vitest'
import { buildFilter, recordId, truncateUtf8, versionPrefix } from '../../../src/core/scale-out/index-records.js'
import { planBatches } from '../../../src/adapters/pinecone/upsert-batches.js'

describe('record ids', () => {
  it.each([
    ['acme-2023', 2, 7, 'acme-2023#2#7', 'acme-2023#2#'],
    ['a#b c', 1, 0, 'a%23b%20c#1#0', 'a%23b%20c#1#'],
  ])('%s v%i chunk %i → %s', (doc, version, ordinal, id, prefix) => {
    expect(recordId(doc, version, ordinal)).toBe(id)
    expect(versionPrefix(doc, version)).toBe(prefix)
    expect(id.startsWith(versionPrefix(doc))).toBe(true)
  })
})

describe('truncateUtf8', () => {
  it.each([
    ['hello', 10, 'hello'],
    ['hello', 3, 'hel'],
    ['€€€', 4, '€'],
    ['a€', 3, 'a'],
    ['', 0, ''],
  ])('%j within %i bytes → %j', (text, bytes, out) => {
    expect(truncateUtf8(text, bytes)).toBe(out)
    expect(Buffer.byteLength(truncateUtf8(text, bytes))).toBeLessThanOrEqual(bytes)
  })
})

describe('buildFilter', () => {
  it.each([
    [undefined, new Map(), undefined, undefined],
    [
      { company: ['ACME'], fiscalYear: [2023] },
      new Map(),
      undefined,
      { $and: [{ company: { $in: ['acme'] } }, { fiscalYear: { $in: [2023] } }] },
    ],
    [{ documentIds: [] }, new Map(), 'm', { model: { $eq: 'm' } }],
    [
      undefined,
      new Map<string, number | null>([
        ['a', 2],
        ['b', null],
      ]),
      undefined,
      { $or: [{ documentId: { $nin: ['a', 'b'] } }, { $and: [{ documentId: { $eq: 'a' } }, { version: { $eq: 2 } }] }] },
    ],
  ])('filter %j, unsettled %j, model %j', (filter, unsettled, model, expected) => {
    expect(buildFilter(filter, unsettled, model)).toEqual(expected)
  })
})

describe('planBatches', () => {
  const rec = (n: number) => ({ id: String(n), pad: 'x'.repeat(90) })
  it.each([
    [0, 1000, 10_000, []],
    [5, 2, 10_000, [2, 2, 1]],
    [10, 1000, 650, [5, 5]],
  ])('%i records, ≤%i per batch, ≤%i bytes → sizes %j', (n, maxRecords, maxBytes, sizes) => {
    const batches = planBatches(
      Array.from({ length: n }, (_, i) => rec(i)),
      { maxRecords, maxBytes, overheadBytes: 0 },
    )
    expect(batches.map((b) => b.length)).toEqual(sizes)
    expect(batches.flat().map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => String(i)))
  })

  it('refuses a record larger than a whole request, with a stable code', () => {
    expect(() => planBatches([rec(1)], { maxRecords: 10, maxBytes: 50, overheadBytes: 0 })).toThrow(
      expect.objectContaining({ code: 'vector_record_too_large' }),
    )
  })
})
