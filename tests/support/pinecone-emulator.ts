import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { FilterError, matchesFilter, validateFilter, type Metadata } from './pinecone-emulator-filter.js'

/**
 * A protocol-faithful stand-in for one Pinecone serverless index, so the production adapter (built on
 * `@pinecone-database/pinecone` v9) runs unchanged in tests. One HTTP server plays both planes:
 * - control: `GET /indexes/{name}` (the SDK's describe, which resolves the data-plane host) and, for an
 *   emulator started with `exists: false`, `POST /indexes` (create; 409 ALREADY_EXISTS once it exists);
 * - data: `/vectors/upsert`, `/query`, `/vectors/fetch`, `/vectors/list`, `/vectors/delete`,
 *   `/describe_index_stats`, with the `Api-Key` header, rpcStatus error bodies `{code,message,details}`
 *   (gRPC codes: 3 invalid argument, 5 not found, 8 resource exhausted, 14 unavailable) and control-plane
 *   bodies `{error:{code,message},status}`.
 * Scoring is dotproduct of dense + sparse parts. Limits are Pinecone's: 2 MB per request, 1000 records
 * per upsert/fetch/delete, 40 KB metadata per record, 2048 sparse non-zeros, list page ≤ 100.
 * Serverless indexes are eventually consistent: every write (upsert or delete) becomes visible to
 * query/fetch/list/stats only `lagMs` after it was accepted, so callers must poll.
 */
export interface PineconeEmulatorOptions {
  readonly indexName?: string
  readonly apiKey?: string
  /** dense dimension; omit for a sparse-only index */
  readonly dimension?: number
  readonly lagMs?: number
  /** false: the index does not exist until a client creates it with `POST /indexes` (default true) */
  readonly exists?: boolean
}

export interface StoredRecord {
  readonly id: string
  readonly values?: number[]
  readonly sparseValues?: { indices: number[]; values: number[] }
  readonly metadata?: Metadata
}

export interface PineconeEmulator {
  /** base URL for the SDK's `controllerHostUrl` */
  readonly controllerUrl: string
  /** data-plane host, as describe index returns it */
  readonly indexHost: string
  readonly indexName: string
  readonly apiKey: string
  /** current lag before writes become visible; may be changed mid-test */
  lagMs: number
  /** answer the next `count` data-plane requests with this status (429 or 5xx) */
  failNext(status: number, count?: number): void
  clearFaults(): void
  /** count of requests per path, e.g. `/vectors/upsert` */
  readonly requestCounts: Map<string, number>
  /** names of the namespaces that exist now (applies due writes first) */
  namespaceNames(): string[]
  /** records visible now in a namespace (applies due writes first) */
  visibleRecords(namespace: string): StoredRecord[]
  /** writes accepted but not yet visible */
  pendingWrites(): number
  close(): Promise<void>
}

export const LIMITS = {
  requestBytes: 2 * 1024 * 1024,
  recordsPerRequest: 1000,
  metadataBytes: 40 * 1024,
  sparseNonZeros: 2048,
  listPage: 100,
  topK: 10_000,
} as const

type WriteOp =
  | { kind: 'upsert'; namespace: string; records: StoredRecord[] }
  | { kind: 'delete'; namespace: string; ids?: string[]; all?: boolean; filter?: Record<string, unknown> }
type Write = WriteOp & { visibleAt: number }

class HttpFailure extends Error {
  readonly status: number
  readonly body: unknown
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`)
    this.status = status
    this.body = body
  }
}

/** data-plane errors carry gRPC status codes inside the JSON body */
const rpc = (status: number, code: number, message: string): HttpFailure => new HttpFailure(status, { code, message, details: [] })
const invalid = (message: string): HttpFailure => rpc(400, 3, message)

export async function startPineconeEmulator(options: PineconeEmulatorOptions = {}): Promise<PineconeEmulator> {
  const indexName = options.indexName ?? 'ragtune'
  const apiKey = options.apiKey ?? 'pc-test-key'
  let dimension = options.dimension
  let exists = options.exists ?? true
  const namespaces = new Map<string, Map<string, StoredRecord>>()
  const pending: Write[] = []
  const faults: number[] = []
  const requestCounts = new Map<string, number>()
  let controllerUrl = ''

  // As in Pinecone serverless, a namespace comes into being with its first upsert; reads of one that does
  // not exist see an empty namespace and do not create it.
  const ns = (name: string): Map<string, StoredRecord> => namespaces.get(name) ?? new Map<string, StoredRecord>()
  const writable = (name: string): Map<string, StoredRecord> => {
    let m = namespaces.get(name)
    if (!m) namespaces.set(name, (m = new Map()))
    return m
  }

  // Writes apply in acceptance order once due, so a delete never overtakes the upsert before it.
  const applyDue = (): void => {
    const now = Date.now()
    while (pending.length > 0 && pending[0]!.visibleAt <= now) {
      const w = pending.shift()!
      const m = w.kind === 'upsert' ? writable(w.namespace) : ns(w.namespace)
      if (w.kind === 'upsert') {
        for (const r of w.records) m.set(r.id, r)
      } else if (w.all) {
        m.clear()
      } else if (w.ids) {
        for (const id of w.ids) m.delete(id)
      } else if (w.filter) {
        for (const [id, r] of m) if (matchesFilter(r.metadata, w.filter)) m.delete(id)
      }
    }
  }

  const emulator: PineconeEmulator = {
    controllerUrl: '',
    indexHost: '',
    indexName,
    apiKey,
    lagMs: options.lagMs ?? 0,
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) faults.push(status)
    },
    clearFaults() {
      faults.length = 0
    },
    requestCounts,
    namespaceNames() {
      applyDue()
      return [...namespaces.keys()].sort()
    },
    visibleRecords(namespace) {
      applyDue()
      return [...ns(namespace).values()]
    },
    pendingWrites: () => pending.length,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }

  const enqueue = (w: WriteOp): void => {
    pending.push({ ...w, visibleAt: Date.now() + emulator.lagMs })
    applyDue()
  }

  /** Create as the SDK sends it (2026-07 API): `{name, schema: {fields}, deployment}`; one index per emulator. */
  function createIndex(body: Record<string, unknown>): unknown {
    const name = typeof body.name === 'string' ? body.name : ''
    if (name !== indexName) {
      throw new HttpFailure(400, {
        error: { code: 'INVALID_ARGUMENT', message: `this emulator serves only the index "${indexName}"` },
        status: 400,
      })
    }
    if (exists) throw new HttpFailure(409, { error: { code: 'ALREADY_EXISTS', message: `Resource ${name} already exists` }, status: 409 })
    const fields =
      (body.schema as { fields?: Record<string, { type?: string; dimension?: number; metric?: string }> } | undefined)?.fields ?? {}
    const dense = Object.values(fields).find((f) => f.type === 'dense_vector')
    if (dense !== undefined && dense.metric !== undefined && dense.metric !== 'dotproduct') {
      throw new HttpFailure(400, { error: { code: 'INVALID_ARGUMENT', message: 'this emulator scores by dotproduct only' }, status: 400 })
    }
    dimension = dense?.dimension
    exists = true
    return describeIndex(name)
  }

  function describeIndex(name: string): unknown {
    if (name !== indexName || !exists) {
      throw new HttpFailure(404, { error: { code: 'NOT_FOUND', message: `Resource ${name} not found` }, status: 404 })
    }
    const fields: Record<string, unknown> =
      dimension === undefined
        ? { _sparse_values: { type: 'sparse_vector' } }
        : { _values: { type: 'dense_vector', dimension, metric: 'dotproduct' }, _sparse_values: { type: 'sparse_vector' } }
    return {
      name: indexName,
      host: controllerUrl,
      status: { ready: true, state: 'Ready' },
      deployment: { deployment_type: 'managed', cloud: 'aws', region: 'us-east-1' },
      schema: { fields },
      deletion_protection: 'disabled',
      tags: {},
    }
  }

  function checkRecord(r: unknown, i: number): StoredRecord {
    if (typeof r !== 'object' || r === null) throw invalid(`vectors[${i}] must be an object`)
    const rec = r as Partial<StoredRecord>
    if (typeof rec.id !== 'string' || rec.id.length === 0 || rec.id.length > 512) {
      throw invalid(`vectors[${i}]: id must be a string of 1 to 512 characters`)
    }
    if (dimension !== undefined) {
      if (!Array.isArray(rec.values) || rec.values.length !== dimension) {
        throw invalid(`Vector dimension ${rec.values?.length ?? 0} does not match the dimension of the index ${dimension}`)
      }
      if (rec.values.every((v) => v === 0)) throw invalid(`Dense vectors must contain at least one non-zero value (id ${rec.id})`)
    } else if (rec.values !== undefined && rec.values.length > 0) {
      throw invalid('Sparse indexes do not accept dense values')
    }
    if (rec.sparseValues !== undefined) checkSparse(rec.sparseValues, `vectors[${i}].sparseValues`)
    else if (dimension === undefined) throw invalid(`Sparse vector must be provided for a sparse index (id ${rec.id})`)
    if (rec.metadata !== undefined) {
      const bytes = Buffer.byteLength(JSON.stringify(rec.metadata))
      if (bytes > LIMITS.metadataBytes) {
        throw invalid(`Metadata size is ${bytes} bytes, which exceeds the limit of ${LIMITS.metadataBytes} bytes per vector`)
      }
    }
    return rec as StoredRecord
  }

  function checkSparse(s: unknown, where: string): void {
    const sv = s as { indices?: unknown; values?: unknown }
    if (!Array.isArray(sv.indices) || !Array.isArray(sv.values) || sv.indices.length !== sv.values.length) {
      throw invalid(`${where}: indices and values must be arrays of the same length`)
    }
    if (sv.indices.length > LIMITS.sparseNonZeros) {
      throw invalid(`${where}: sparse vector has ${sv.indices.length} non-zero values, the maximum is ${LIMITS.sparseNonZeros}`)
    }
    if (new Set(sv.indices).size !== sv.indices.length) throw invalid(`${where}: indices must be unique`)
    if (sv.indices.some((x) => !Number.isInteger(x) || (x as number) < 0 || (x as number) > 0xffffffff)) {
      throw invalid(`${where}: indices must be unsigned 32-bit integers`)
    }
  }

  function score(r: StoredRecord, dense: number[] | undefined, sparse: Map<number, number> | undefined): number {
    let s = 0
    if (dense && r.values) for (let i = 0; i < dense.length; i++) s += dense[i]! * (r.values[i] ?? 0)
    if (sparse && r.sparseValues) {
      const { indices, values } = r.sparseValues
      for (let i = 0; i < indices.length; i++) s += (sparse.get(indices[i]!) ?? 0) * values[i]!
    }
    return s
  }

  function filterOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
    if (body.filter === undefined) return undefined
    try {
      validateFilter(body.filter)
    } catch (err) {
      if (err instanceof FilterError) throw invalid(`Invalid filter: ${err.message}`)
      throw err
    }
    return body.filter as Record<string, unknown>
  }

  function dataPlane(method: string, path: string, url: URL, body: Record<string, unknown>): unknown {
    const namespace = (method === 'GET' ? url.searchParams.get('namespace') : (body.namespace as string | undefined)) ?? ''
    if (method === 'POST' && path === '/vectors/upsert') {
      const vectors = body.vectors
      if (!Array.isArray(vectors) || vectors.length === 0) throw invalid('vectors must be a non-empty array')
      if (vectors.length > LIMITS.recordsPerRequest) {
        throw invalid(`Batch size ${vectors.length} exceeds the maximum of ${LIMITS.recordsPerRequest} vectors per upsert request`)
      }
      const records = vectors.map(checkRecord)
      enqueue({ kind: 'upsert', namespace, records })
      return { upsertedCount: records.length }
    }
    if (method === 'POST' && path === '/query') {
      applyDue()
      const topK = body.topK
      if (typeof topK !== 'number' || topK < 1 || topK > LIMITS.topK) throw invalid(`topK must be between 1 and ${LIMITS.topK}`)
      const dense = body.vector as number[] | undefined
      const sparseIn = body.sparseVector as { indices: number[]; values: number[] } | undefined
      if (sparseIn !== undefined) checkSparse(sparseIn, 'sparseVector')
      if (dimension !== undefined) {
        if (!Array.isArray(dense)) throw invalid('Dense vector must be provided when querying a dense index')
        if (dense.length !== dimension) {
          throw invalid(`Query vector dimension ${dense.length} does not match the dimension of the index ${dimension}`)
        }
      } else if (sparseIn === undefined) {
        throw invalid('Sparse vector must be provided when querying a sparse index')
      }
      const sparse = sparseIn ? new Map(sparseIn.indices.map((ix, i) => [ix, sparseIn.values[i]!])) : undefined
      const filter = filterOf(body)
      const matches = [...ns(namespace).values()]
        .filter((r) => filter === undefined || matchesFilter(r.metadata, filter))
        .map((r) => ({ r, s: score(r, dense, sparse) }))
        // Sparse indexes only return records sharing a term with the query, as Pinecone does.
        .filter(({ r, s }) => dimension !== undefined || s !== 0 || !r.sparseValues)
        .sort((a, b) => b.s - a.s || (a.r.id < b.r.id ? -1 : 1))
        .slice(0, topK)
        .map(({ r, s }) => ({
          id: r.id,
          score: s,
          values: body.includeValues === true ? (r.values ?? []) : [],
          ...(body.includeValues === true && r.sparseValues ? { sparseValues: r.sparseValues } : {}),
          ...(body.includeMetadata === true && r.metadata ? { metadata: r.metadata } : {}),
        }))
      return { results: [], matches, namespace, usage: { readUnits: 1 + Math.floor(ns(namespace).size / 1000) } }
    }
    if (method === 'GET' && path === '/vectors/fetch') {
      applyDue()
      const ids = url.searchParams.getAll('ids')
      if (ids.length === 0) throw invalid('ids must be provided')
      if (ids.length > LIMITS.recordsPerRequest) throw invalid(`Cannot fetch more than ${LIMITS.recordsPerRequest} ids`)
      const m = ns(namespace)
      const vectors = Object.fromEntries(ids.flatMap((id) => (m.has(id) ? [[id, m.get(id)]] : [])))
      return { vectors, namespace, usage: { readUnits: 1 } }
    }
    if (method === 'GET' && path === '/vectors/list') {
      applyDue()
      const prefix = url.searchParams.get('prefix') ?? ''
      const limit = Number(url.searchParams.get('limit') ?? LIMITS.listPage)
      if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.listPage) {
        throw invalid(`limit must be between 1 and ${LIMITS.listPage}`)
      }
      const token = url.searchParams.get('paginationToken')
      const after = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined
      const ids = [...ns(namespace).keys()].filter((id) => id.startsWith(prefix) && (after === undefined || id > after)).sort()
      const page = ids.slice(0, limit)
      const more = ids.length > limit
      return {
        vectors: page.map((id) => ({ id })),
        ...(more ? { pagination: { next: Buffer.from(page[page.length - 1]!).toString('base64url') } } : {}),
        namespace,
        usage: { readUnits: 1 },
      }
    }
    if (method === 'POST' && path === '/vectors/delete') {
      const ids = body.ids as string[] | undefined
      if (ids !== undefined && ids.length > LIMITS.recordsPerRequest) {
        throw invalid(`Cannot delete more than ${LIMITS.recordsPerRequest} ids in one request`)
      }
      const filter = filterOf(body)
      if (body.deleteAll === true) enqueue({ kind: 'delete', namespace, all: true })
      else if (ids !== undefined) enqueue({ kind: 'delete', namespace, ids })
      else if (filter !== undefined) enqueue({ kind: 'delete', namespace, filter })
      else throw invalid('one of ids, deleteAll or filter must be provided')
      return {}
    }
    if (method === 'GET' && path === '/namespaces') {
      applyDue()
      return { namespaces: [...namespaces].map(([name, m]) => ({ name, record_count: m.size })), pagination: null }
    }
    const named = /^\/namespaces\/([^/]+)$/.exec(path)
    if (method === 'DELETE' && named) {
      applyDue()
      const name = decodeURIComponent(named[1]!)
      if (!namespaces.delete(name)) throw rpc(404, 5, `Namespace not found: ${name}`)
      return {}
    }
    if (method === 'POST' && path === '/describe_index_stats') {
      applyDue()
      const filter = filterOf(body)
      const summary: Record<string, { vectorCount: number }> = {}
      let total = 0
      for (const [name, m] of namespaces) {
        const count = [...m.values()].filter((r) => filter === undefined || matchesFilter(r.metadata, filter)).length
        if (count > 0) summary[name] = { vectorCount: count }
        total += count
      }
      return {
        namespaces: summary,
        ...(dimension !== undefined ? { dimension } : {}),
        indexFullness: 0,
        totalVectorCount: total,
        metric: 'dotproduct',
        vectorType: dimension === undefined ? 'sparse' : 'dense',
      }
    }
    throw new HttpFailure(404, 'Not Found')
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= LIMITS.requestBytes + 1) chunks.push(c)
    })
    req.on('end', () => {
      const send = (status: number, body: unknown): void => {
        const text = typeof body === 'string' ? body : JSON.stringify(body)
        res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' })
        res.end(text)
      }
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1')
        const path = url.pathname
        requestCounts.set(path, (requestCounts.get(path) ?? 0) + 1)
        if (req.headers['api-key'] !== apiKey) {
          // control plane answers with a JSON error, data plane with plain text, as Pinecone does
          if (path.startsWith('/indexes')) {
            throw new HttpFailure(401, { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' }, status: 401 })
          }
          throw new HttpFailure(401, 'Unauthorized')
        }
        if (req.method === 'POST' && path === '/indexes') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>
          return send(201, createIndex(body))
        }
        const described = /^\/indexes\/([^/]+)$/.exec(path)
        if (req.method === 'GET' && described) return send(200, describeIndex(decodeURIComponent(described[1]!)))
        const fault = faults.shift()
        if (fault !== undefined) {
          throw fault === 429
            ? rpc(429, 8, 'Request failed. You have exceeded the rate limit for this index. Retry with backoff.')
            : rpc(fault, 14, 'The service is temporarily unavailable. Retry with backoff.')
        }
        if (size > LIMITS.requestBytes) {
          throw invalid(`Request size ${size} bytes exceeds the maximum supported size of ${LIMITS.requestBytes} bytes`)
        }
        let body: Record<string, unknown> = {}
        if (req.method === 'POST') {
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>
          } catch {
            throw invalid('Request body is not valid JSON')
          }
        }
        send(200, dataPlane(req.method ?? 'GET', path, url, body))
      } catch (err) {
        if (err instanceof HttpFailure) send(err.status, err.body)
        else send(500, { code: 13, message: err instanceof Error ? err.message : String(err), details: [] })
      }
    })
  })

  // Outlive the client's idle keep-alive, so a pooled socket is never closed under a request in flight.
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  controllerUrl = `http://127.0.0.1:${port}`
  return Object.assign(emulator, { controllerUrl, indexHost: controllerUrl })
}
