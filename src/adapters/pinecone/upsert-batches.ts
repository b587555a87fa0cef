import { AppError } from '../../errors.js'

/**
 * Splits records into upsert requests within Pinecone's limits (record count and request bytes),
 * keeping order. Sizes are the JSON the SDK will send; `overheadBytes` covers the envelope.
 */
export function planBatches<T>(
  records: readonly T[],
  limits: { readonly maxRecords: number; readonly maxBytes: number; readonly overheadBytes?: number },
  sizeOf: (record: T) => number = (r) => Buffer.byteLength(JSON.stringify(r)),
): T[][] {
  const overhead = limits.overheadBytes ?? 256
  const batches: T[][] = []
  let current: T[] = []
  let bytes = overhead
  for (const record of records) {
    const size = sizeOf(record) + 1
    if (size + overhead > limits.maxBytes) {
      throw new AppError(
        'vector_record_too_large',
        `one record needs ${size} bytes, over the ${limits.maxBytes}-byte request limit; shorten its metadata`,
        { status: 500 },
      )
    }
    if (current.length > 0 && (current.length >= limits.maxRecords || bytes + size > limits.maxBytes)) {
      batches.push(current)
      current = []
      bytes = overhead
    }
    current.push(record)
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}
