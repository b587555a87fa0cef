import type { Db } from './database.js'

/** Positions are stored as `column * COLUMN_SHIFT + offset`: header (column 0) before text (column 1). */
export const COLUMN_SHIFT = 2 ** 24

/** The index as flat typed arrays (cheap to move out of a worker): term t's postings are [termStart[t], termStart[t + 1]). */
export interface IndexParts {
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
 */
export function readIndexParts(db: Db, weights: { header: number; text: number }, maxInstances: number): IndexParts | undefined {
  const schema = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'").get()?.sql ?? ''
  const tokenize = /tokenize\s*=\s*('(?:[^']|'')*')/i.exec(schema)?.[1]
  if (tokenize === undefined) return undefined
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_instances USING fts5vocab(main, chunks_fts, instance)')
  const read = db.transaction((): IndexParts | undefined => {
    const { rows, maxId } = db
      .prepare<[], { rows: number; maxId: number | null }>('SELECT COUNT(*) AS rows, MAX(id) AS maxId FROM chunks')
      .get() ?? { rows: 0, maxId: 0 }
    const rowLength = new Float64Array((maxId ?? 0) + 1)
    const colWeight = [weights.header, weights.text]
    const terms: string[] = []
    const termStart: number[] = []
    const rowIds: number[] = []
    const weighted: number[] = []
    const posStart: number[] = []
    const pos: number[] = []
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
      weighted[weighted.length - 1] = (weighted[weighted.length - 1] ?? 0) + (colWeight[column] ?? 1)
      pos.push(column * COLUMN_SHIFT + offset)
      if (doc < rowLength.length) rowLength[doc] = (rowLength[doc] ?? 0) + 1
    }
    termStart.push(rowIds.length)
    posStart.push(pos.length)
    return {
      tokenize,
      rows,
      terms,
      termStart: Int32Array.from(termStart),
      rowIds: Int32Array.from(rowIds),
      weighted: Float64Array.from(weighted),
      posStart: Int32Array.from(posStart),
      pos: Int32Array.from(pos),
      rowLength,
    }
  })
  return read()
}
