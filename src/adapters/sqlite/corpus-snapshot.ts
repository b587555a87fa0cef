import type { Statement } from 'better-sqlite3'
import type { ChunkHit } from '../../core/corpus.js'
import type { Logger } from '../../logger.js'
import type { Db } from './database.js'
import { FtsMemoryIndex, type IndexedRow, type RankedRows } from './fts-memory-index.js'
import { loadIndexInWorker, type IndexLoad } from './fts-index-loader.js'
import { corpusFingerprint } from './fts-index-parts.js'
import { createChangeWatch } from './change-watch.js'
import { CHUNK_COLUMNS, toChunkHit, type ScoredChunkRow } from './rows.js'
import type { BoundedCache, CacheRegistry } from '../../core/bounded-cache.js'

/** A search filter as SQL over `documents d` with named parameters (@f0, @f1…), and a key naming it. */
export interface NamedFilter {
  /** `AND …` clauses; '' for no filter */
  readonly sql: string
  readonly params: Record<string, unknown>
  /** equal for equal filters: caches what the filter selects under it */
  readonly key: string
}

export interface CorpusSnapshotOptions {
  readonly db: Db
  /** the store file (':memory:' for a private store): the worker reads the index from it */
  readonly path: string
  readonly logger: Logger
  readonly weights: { readonly header: number; readonly text: number }
  /** see `SqliteCorpusOptions` */
  readonly maxInstances: number
  readonly quietMs: number
  readonly checkMs: number
  readonly maxAppliedPostings: number
  /** the corpus' prepared-statement cache */
  readonly statement: <R>(sql: string) => Statement<unknown[], R>
  /** where its caches are created (limits: `snapshot.*`, `keyword.phrases` in CACHE_LIMITS) */
  readonly caches: CacheRegistry
}

/** What the store is, read under a write transaction's lock (see `CorpusSnapshot.mark`). */
export interface SnapshotMark {
  readonly stamp: string
  readonly fingerprint: string
}

/** The chunk rows one write transaction of this corpus added and removed, and the store it left. */
export interface RowsWritten {
  /** the one document whose rows they are */
  readonly documentId: string
  readonly added: readonly IndexedRow[]
  readonly removed: readonly IndexedRow[]
  readonly mark: SnapshotMark
}

export interface CorpusSnapshot {
  /** the in-memory index of the current snapshot, when it is loaded (starts loading it when due) */
  index(): FtsMemoryIndex | undefined
  /** chunk-id ranges of the active versions of the documents the filter keeps, read once per snapshot */
  ranges(filter: NamedFilter): readonly (readonly [number, number])[]
  /**
   * The ranked ids as hits, from chunks read once per snapshot; undefined when one is not visible
   * (another document inside a range, an inactive version): the SQL route then decides.
   */
  hits(top: RankedRows, filter: NamedFilter): ChunkHit[] | undefined
  /** active-version chunks of a document by ordinal, read once per snapshot; undefined: not cached (use SQL) */
  chunksAt(documentId: string, ordinals: readonly number[]): ChunkHit[] | undefined
  /** this connection just wrote: the next read checks the store */
  wrote(): void
  /**
   * Inside a write transaction of this corpus, before it writes: true when the index held is the store
   * as it is now, so the rows the write adds and removes can be applied to it (`committed`) instead of
   * retiring it.
   */
  tracking(): boolean
  /** Inside that transaction, after its writes: the store as it now is. */
  mark(): SnapshotMark
  /** After a tracked transaction committed: its rows go into the index, which stays loaded. */
  committed(rows: RowsWritten): void
  /** what the snapshot was taken of (documents, active versions, chunk rows), checked as searches check it */
  revision(): string
  ready(): Promise<boolean>
  close(): void
}

/**
 * What a SQLite corpus keeps in memory between searches, all of it belonging to one snapshot of the store:
 * the keyword index, chunk rows already read, filter ranges, active versions.
 *
 * When is the snapshot checked? Checking costs two statements (`PRAGMA data_version` for commits by
 * other connections, `total_changes()` for this one's), so it is not done on every call but:
 * - at once after a write through this corpus or any other corpus of this process on the same file;
 * - otherwise at most every `checkMs`: a commit by another process is seen within that bound.
 * A search works on one snapshot throughout: a hit the snapshot cannot vouch for (a chunk gone, another
 * active version) sends the whole search to SQL, which reads the store as it is.
 *
 * A check that finds the corpus itself changed (documents, active versions, chunk rows — not job
 * heartbeats, which move `data_version` too) retires everything; the index is read again on a worker once
 * the corpus has been unchanged for `quietMs` (a timer looks again then), so an ingest does not pay a reload
 * per document. The first read also waits that long: a one-shot CLI search never pays for it. Meanwhile searches run in SQLite
 * (tens of times slower than in memory).
 *
 * A write through this corpus does not retire the index: the rows it added and removed are applied to it
 * (`tracking`, `mark`, `committed`), so the server's own uploads and re-ingests keep searches in memory.
 * Only a change made elsewhere (another process, another handle) retires it.
 */
export function createCorpusSnapshot(options: CorpusSnapshotOptions): CorpusSnapshot {
  const { db, logger, weights, maxInstances, quietMs, checkMs, statement, caches } = options
  const watch = createChangeWatch(options.path, checkMs)
  const memory: {
    index: FtsMemoryIndex | undefined
    stamp: string
    fingerprint: string
    changedAt: number
    built: boolean
    /** the worker reading the index, while it runs */
    load: IndexLoad | undefined
    building: Promise<void> | undefined
    ranges: BoundedCache<string, readonly (readonly [number, number])[]>
    /** documents a filter keeps, by filter key */
    kept: BoundedCache<string, ReadonlySet<string>>
    /** active version by document */
    active: Map<string, number> | undefined
    /** chunks already read, by id (score 0): one object per chunk (the same-object rule, see ChunkRecord) */
    chunks: BoundedCache<number, ChunkHit>
    /** chunksAt: a document's active-version chunks by ordinal (false: none), by document id */
    ordinals: BoundedCache<string, Map<number, ChunkHit | false>>
    /** one string per document id (sized by the corpus, not a cache) */
    documentIds: Map<string, string>
  } = {
    index: undefined,
    stamp: '',
    fingerprint: '',
    changedAt: Number.NEGATIVE_INFINITY,
    built: false,
    load: undefined,
    building: undefined,
    ranges: caches.create('snapshot.ranges'),
    kept: caches.create('snapshot.filter-documents'),
    active: undefined,
    chunks: caches.create('snapshot.chunks'),
    ordinals: caches.create('snapshot.ordinals'),
    documentIds: new Map(),
  }

  const stampOf = (): string =>
    `${String(statement<number>('PRAGMA data_version').pluck().get())}:${String(statement<number>('SELECT total_changes()').pluck().get())}`
  const fingerprintNow = (): string => corpusFingerprint((sql) => statement(sql).get())

  /** Drops everything read from an older snapshot of the corpus; `force` skips the time bound. */
  const refresh = (force: boolean): void => {
    if (!watch.due() && !force) return
    const stamp = stampOf()
    if (stamp === memory.stamp) return
    memory.stamp = stamp
    const fingerprint = fingerprintNow()
    if (fingerprint === memory.fingerprint) return
    memory.fingerprint = fingerprint
    retire()
  }

  /** Drops everything read from the store, the index too. */
  const retire = (): void => {
    memory.index?.close()
    memory.load?.cancel()
    memory.ranges.clear()
    memory.kept.clear()
    memory.chunks.clear()
    memory.ordinals.clear()
    memory.documentIds.clear()
    memory.active = undefined
    Object.assign(memory, { index: undefined, load: undefined, building: undefined, built: false, changedAt: performance.now() })
  }

  /** Reads the index (on a worker unless the store is in memory); kept only if the store did not change meanwhile. */
  const buildIndex = async (): Promise<void> => {
    memory.built = true
    const fingerprint = memory.fingerprint
    const started = performance.now()
    const settle = (index: FtsMemoryIndex | undefined): void => {
      if (!db.open) {
        index?.close()
        return
      }
      refresh(true)
      if (memory.fingerprint !== fingerprint) {
        index?.close()
        return
      }
      memory.index = index
      logger.debug(
        { instances: index?.instances, ms: Math.round(performance.now() - started) },
        index === undefined ? 'keyword index stays in SQLite' : 'keyword index loaded into memory',
      )
    }
    if (options.path === ':memory:') return settle(FtsMemoryIndex.build(db, weights, maxInstances, caches))
    const load = loadIndexInWorker({ path: options.path, weights, maxInstances })
    memory.load = load
    memory.building = load.parts
      .then((parts) => settle(parts === undefined ? undefined : FtsMemoryIndex.fromParts(parts, weights, caches)))
      .catch((err: unknown) => logger.warn({ err }, 'keyword index could not be read into memory; searching in SQLite'))
      .finally(() => {
        if (memory.load === load) {
          memory.load = undefined
          memory.building = undefined
        }
      })
    return memory.building
  }

  /**
   * The row with its document id as the one string this snapshot uses for it (the same-object rule, see
   * ChunkRecord): hits of a document then share it, and every map keyed by document finds it by pointer.
   */
  const intern = (row: ScoredChunkRow): ScoredChunkRow => {
    const known = memory.documentIds.get(row.document_id)
    if (known === undefined) memory.documentIds.set(row.document_id, row.document_id)
    else row.document_id = known
    return row
  }

  const keptBy = (filter: NamedFilter): ReadonlySet<string> => {
    return memory.kept.getOrCompute(
      filter.key,
      () =>
        new Set(
          statement<{ id: string }>(`SELECT d.id FROM documents d WHERE 1 ${filter.sql}`)
            .all(filter.params)
            .map((r) => r.id),
        ),
    )
  }

  /** A timer that looks again when the quiet period ends, so the index is read even when no search follows. */
  let later: NodeJS.Timeout | undefined
  function current(): FtsMemoryIndex | undefined {
    if (maxInstances <= 0) return undefined
    refresh(false)
    if (!memory.built) {
      const wait = quietMs - (performance.now() - memory.changedAt)
      if (wait <= 0) void buildIndex()
      else if (later === undefined) {
        later = setTimeout(() => {
          later = undefined
          if (db.open) current()
        }, wait)
        // a one-shot command never waits for it
        later.unref()
      }
    }
    return memory.index
  }

  return {
    index: current,

    ranges(filter) {
      // ranges change only with the store, which retires them with the index
      return memory.ranges.getOrCompute(filter.key, () =>
        statement<{ lo: number; hi: number }>(rangesSql(filter.sql))
          .all(filter.params)
          .map((r) => [r.lo, r.hi] as const),
      )
    },

    hits(top, filter) {
      const found = new Map<number, ChunkHit>()
      let missing: number[] | undefined
      for (const id of top.ids) {
        const hit = memory.chunks.get(id)
        if (hit === undefined) (missing ??= []).push(id)
        else found.set(id, hit)
      }
      if (missing !== undefined) {
        const rows = statement<ScoredChunkRow>(`SELECT ${CHUNK_COLUMNS}, 0 AS score FROM chunks c JOIN documents d ON d.id = c.document_id
          WHERE c.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(missing))
        for (const r of rows) {
          const hit = toChunkHit(intern(r))
          memory.chunks.set(r.id, hit)
          found.set(r.id, hit)
        }
      }
      const active = (memory.active ??= new Map(
        statement<{ id: string; v: number }>('SELECT id, active_version AS v FROM documents')
          .all()
          .map((r) => [r.id, r.v]),
      ))
      const kept = filter.sql === '' ? undefined : keptBy(filter)
      const hits: ChunkHit[] = []
      for (let k = 0; k < top.ids.length; k++) {
        const hit = found.get(top.ids[k] as number)
        if (hit === undefined || active.get(hit.documentId) !== hit.version || (kept !== undefined && !kept.has(hit.documentId)))
          return undefined
        hits.push({ documentId: hit.documentId, version: hit.version, chunk: hit.chunk, meta: hit.meta, score: top.scores[k] as number })
      }
      return hits
    },

    chunksAt(documentId, ordinals) {
      if (maxInstances <= 0) return undefined
      refresh(false)
      const wanted = [...new Set(ordinals)].sort((a, b) => a - b)
      let byOrdinal = memory.ordinals.get(documentId)
      if (byOrdinal === undefined) memory.ordinals.set(documentId, (byOrdinal = new Map<number, ChunkHit | false>()))
      const missing = wanted.filter((o) => !byOrdinal.has(o))
      if (missing.length > 0) {
        for (const o of missing) byOrdinal.set(o, false)
        // one object per chunk whichever way it was read (the same-object rule, see ChunkRecord)
        for (const r of readChunks(statement, documentId, missing)) {
          let hit = memory.chunks.get(r.id)
          if (hit === undefined) {
            hit = toChunkHit(intern(r))
            memory.chunks.set(r.id, hit)
          }
          byOrdinal.set(r.ordinal, hit)
        }
      }
      const out: ChunkHit[] = []
      for (const o of wanted) {
        const hit = byOrdinal.get(o)
        if (hit !== undefined && hit !== false) out.push(hit)
      }
      return out
    },

    wrote() {
      watch.wrote()
    },

    tracking() {
      if (memory.index === undefined) return false
      const stamp = stampOf()
      if (stamp === memory.stamp) return true
      if (fingerprintNow() !== memory.fingerprint) return false
      memory.stamp = stamp
      return true
    },

    mark() {
      return { stamp: stampOf(), fingerprint: fingerprintNow() }
    },

    committed(rows) {
      watch.wrote()
      const index = memory.index
      if (index === undefined) return
      let applied = false
      try {
        applied = index.apply(rows, options.maxAppliedPostings)
      } catch (err) {
        logger.warn({ err }, 'keyword index could not take a write; reading it again')
      }
      if (!applied) return retire()
      memory.stamp = rows.mark.stamp
      memory.fingerprint = rows.mark.fingerprint
      // chunk rows never change: only the removed rows, and what depends on active versions, go. A write
      // changes one document's active version: only its ordinals (a new version renumbers them) and its
      // entry of the active versions go; what filters keep may change with any document, so all of that.
      for (const r of rows.removed) memory.chunks.delete(r.id)
      memory.ordinals.delete(rows.documentId)
      if (memory.active !== undefined) {
        const version = statement<number>('SELECT active_version FROM documents WHERE id = ?').pluck().get(rows.documentId)
        if (version === undefined) memory.active.delete(rows.documentId)
        else memory.active.set(rows.documentId, version)
      }
      memory.ranges.clear()
      memory.kept.clear()
    },

    revision() {
      refresh(false)
      return memory.fingerprint
    },

    async ready() {
      if (maxInstances <= 0) return false
      refresh(true)
      if (!memory.built) await buildIndex()
      else if (memory.building !== undefined) await memory.building
      return memory.index !== undefined
    },

    close() {
      clearTimeout(later)
      memory.load?.cancel()
      memory.index?.close()
      memory.index = undefined
    },
  }
}

/** Active-version chunks of one document at these ordinals, in ordinal order. */
export function readChunks(
  statement: CorpusSnapshotOptions['statement'],
  documentId: string,
  ordinals: readonly number[],
): ScoredChunkRow[] {
  return statement<ScoredChunkRow>(`SELECT ${CHUNK_COLUMNS}, 0 AS score FROM chunks c
      JOIN documents d ON d.id = c.document_id AND d.active_version = c.version
      WHERE c.document_id = ? AND c.ordinal IN (SELECT value FROM json_each(?)) ORDER BY c.ordinal`).all(
    documentId,
    JSON.stringify(ordinals),
  )
}

/** Chunk-id ranges of the active versions of the documents the (named) filter keeps. */
export function rangesSql(filter: string): string {
  return `SELECT MIN(c.id) AS lo, MAX(c.id) AS hi FROM documents d
    JOIN chunks c ON c.document_id = d.id AND c.version = d.active_version WHERE 1 ${filter} GROUP BY d.id`
}
