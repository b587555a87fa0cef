import type { Db } from './database.js'

/** Positions are stored as `column * COLUMN_SHIFT + offset`: header (column 0) before text (column 1). */
export const COLUMN_SHIFT = 2 ** 24

/**
 * What a snapshot of the corpus holds, as one string: documents with their active versions and update
 * times, and the chunk rows. Equal strings, equal searchable content (`corpus-snapshot.ts` retires what it
 * keeps in memory when it changes; a saved index image is used only under its own).
 */
export function corpusFingerprint(get: (sql: string) => unknown): string {
  const docs = get(`SELECT group_concat(id || ':' || active_version || ':' || updated_at, ',') AS f
      FROM (SELECT id, active_version, updated_at FROM documents ORDER BY id)`) as { f: string | null } | undefined
  const chunks = get('SELECT COUNT(*) AS n, MAX(id) AS m FROM chunks') as { n: number; m: number | null } | undefined
  return `${docs?.f ?? ''}|${chunks?.n ?? 0}|${chunks?.m ?? 0}`
}

/** The index as flat typed arrays (cheap to move out of a worker): term t's postings are [termStart[t], termStart[t + 1]). */
export interface IndexParts {
  /** the corpus snapshot it was read from (see corpusFingerprint) */
  readonly fingerprint: string
  readonly tokenize: string
  readonly rows: number
  readonly terms: string[]
  readonly termStart: Int32Array
  readonly rowIds: Int32Array
  readonly weighted: Float64Array
  /** per posting, where its positions start in `pos`; one extra entry closes the last */
  readonly posStart: Int32Array
  readonly pos: Int32Array
  readonly rowLength: Float64Array
}

/**
 * Reads `chunks_fts` in one snapshot; undefined when it holds more than `maxInstances` token instances
 * (the SQL route then stays in charge) or when the table is not the FTS5 table this module expects.
 * `saved` may answer for the snapshot's fingerprint instead (a saved image of the same snapshot).
 */
export function readIndexParts(
  db: Db,
  weights: { header: number; text: number },
  maxInstances: number,
  saved?: (fingerprint: string) => IndexParts | undefined,
): IndexParts | undefined {
  const schema = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'").get()?.sql ?? ''
  const tokenize = /tokenize\s*=\s*('(?:[^']|'')*')/i.exec(schema)?.[1]
  if (tokenize === undefined) return undefined
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_instances USING fts5vocab(main, chunks_fts, instance)')
  const read = db.transaction((): IndexParts | undefined => {
    const fingerprint = corpusFingerprint((sql) => db.prepare(sql).get())
    const image = saved?.(fingerprint)
    if (image !== undefined) return image.pos.length > maxInstances ? undefined : image
    const { rows, maxId } = db
      .prepare<[], { rows: number; maxId: number | null }>('SELECT COUNT(*) AS rows, MAX(id) AS maxId FROM chunks')
      .get() ?? { rows: 0, maxId: 0 }
    const rowLength = new Float64Array((maxId ?? 0) + 1)
    const colWeight = [weights.header, weights.text]
    const terms: string[] = []
    const termStart = new Growing((n) => new Int32Array(n))
    const rowIds = new Growing((n) => new Int32Array(n))
    const weighted = new Growing((n) => new Float64Array(n))
    const posStart = new Growing((n) => new Int32Array(n))
    const pos = new Growing((n) => new Int32Array(n))
    // fts5vocab lists instances by term, then row, column and offset: postings come out sorted.
    const it = db.prepare('SELECT term, doc, col, offset FROM temp.chunks_fts_instances').raw().iterate() as IterableIterator<
      [string, number, string, number]
    >
    let lastRow = -1
    for (const [term, doc, col, offset] of it) {
      if (pos.length >= maxInstances) {
        it.return?.()
        return undefined
      }
      if (term !== terms[terms.length - 1]) {
        terms.push(term)
        termStart.push(rowIds.length)
        lastRow = -1
      }
      const column = col === 'header' ? 0 : 1
      if (doc !== lastRow) {
        rowIds.push(doc)
        weighted.push(0)
        posStart.push(pos.length)
        lastRow = doc
      }
      weighted.addToLast(colWeight[column] ?? 1)
      pos.push(column * COLUMN_SHIFT + offset)
      if (doc < rowLength.length) rowLength[doc] = (rowLength[doc] ?? 0) + 1
    }
    termStart.push(rowIds.length)
    posStart.push(pos.length)
    return {
      fingerprint,
      tokenize,
      rows,
      terms,
      termStart: termStart.done(),
      rowIds: rowIds.done(),
      weighted: weighted.done(),
      posStart: posStart.done(),
      pos: pos.done(),
      rowLength,
    }
  })
  return read()
}

/** An append-only typed array that doubles as it fills (a plain array of numbers holds 2–4 times the memory). */
class Growing<T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>> {
  #data: T
  length = 0
  readonly #make: (n: number) => T
  constructor(make: (n: number) => T) {
    this.#make = make
    this.#data = make(1024)
  }
  push(v: number): void {
    if (this.length === this.#data.length) {
      const next = this.#make(this.#data.length * 2)
      next.set(this.#data)
      this.#data = next
    }
    this.#data[this.length++] = v
  }
  addToLast(v: number): void {
    this.#data[this.length - 1] = (this.#data[this.length - 1] ?? 0) + v
  }
  /** the values, trimmed to their length (a copy, so the spare capacity is freed) */
  done(): T {
    return this.#data.slice(0, this.length) as T
  }
}
