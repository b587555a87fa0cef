import { createReadStream } from 'node:fs'
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { KeepInput, OriginalStore } from '../../core/originals.js'
import { applyMigrations, openDatabase } from './database.js'
import { ORIGINAL_PAGES_TABLE, REF_SELECT, toRef, type RefRow } from '../original-rows.js'

/**
 * Which versions use which original, and the originals' page texts. Additive to the store file (own
 * module in schema_migrations), so stores made before originals were kept open unchanged.
 */
const originalsMigrations: readonly string[] = [
  `CREATE TABLE originals (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    pages INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE original_refs (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES originals(sha256),
    source_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
  );
  CREATE INDEX original_refs_sha256 ON original_refs (sha256);
  ${ORIGINAL_PAGES_TABLE}`,
]

/**
 * The embedded default: each original is a file `<dir>/<sha[0:2]>/<sha256>` (mode 0600: filings before
 * their release are confidential), and the bookkeeping sits in the store's SQLite file. A file is written
 * (temporary name, then rename) before its row, and its row deleted before the file, so a crash leaves at
 * worst a file no row names, never a row without its file.
 */
export function createFileOriginalStore(options: { dbPath: string; dir: string }): OriginalStore {
  const db = openDatabase(options.dbPath)
  applyMigrations(db, 'originals', originalsMigrations)
  const fileOf = (sha256: string): string => path.join(options.dir, sha256.slice(0, 2), sha256)

  const insertOriginal = db.prepare(
    'INSERT OR IGNORE INTO originals (sha256, size, content_type, pages, created_at) VALUES (?, ?, ?, ?, ?)',
  )
  const insertPage = db.prepare('INSERT OR IGNORE INTO original_pages (sha256, page, text) VALUES (?, ?, ?)')
  const insertRef = db.prepare(
    'INSERT OR REPLACE INTO original_refs (document_id, version, sha256, source_name, created_at) VALUES (?, ?, ?, ?, ?)',
  )
  const record = db.transaction((input: KeepInput, size: number) => {
    const now = new Date().toISOString()
    if (insertOriginal.run(input.sha256, size, input.contentType, input.pages.length, now).changes > 0) {
      input.pages.forEach((text, i) => insertPage.run(input.sha256, i + 1, text))
    }
    insertRef.run(input.documentId, input.version, input.sha256, input.sourceName, now)
  })
  const unreferenced = db.transaction((documentId: string): string[] => {
    const shas = db.prepare<[string], { sha256: string }>('SELECT DISTINCT sha256 FROM original_refs WHERE document_id = ?').all(documentId)
    db.prepare('DELETE FROM original_refs WHERE document_id = ?').run(documentId)
    const gone = shas
      .map((r) => r.sha256)
      .filter((sha) => db.prepare('SELECT 1 FROM original_refs WHERE sha256 = ?').get(sha) === undefined)
    for (const sha of gone) db.prepare('DELETE FROM originals WHERE sha256 = ?').run(sha)
    return gone
  })
  const findRef = db.prepare<[string, number], RefRow>(`${REF_SELECT} WHERE r.document_id = ? AND r.version = ?`)
  const listRefs = db.prepare<[string], RefRow>(`${REF_SELECT} WHERE r.document_id = ? ORDER BY r.version DESC`)
  const getPage = db.prepare<[string, number], { text: string }>('SELECT text FROM original_pages WHERE sha256 = ? AND page = ?')

  return {
    kind: 'files',

    async keep(input) {
      const target = fileOf(input.sha256)
      const size = await stat(target).then(
        (s) => s.size,
        async () => {
          await mkdir(path.dirname(target), { recursive: true, mode: 0o700 })
          const tmp = `${target}.${process.pid}.${Date.now()}.tmp`
          await copyFile(input.path, tmp)
          await chmod(tmp, 0o600)
          await rename(tmp, target)
          return (await stat(target)).size
        },
      )
      record(input, size)
    },

    async find(documentId, version) {
      const row = findRef.get(documentId, version)
      return row === undefined ? undefined : toRef(row)
    },

    async versions(documentId) {
      return listRefs.all(documentId).map(toRef)
    },

    read(sha256, range) {
      return createReadStream(fileOf(sha256), range === undefined ? {} : { start: range.start, end: range.end })
    },

    async pageText(sha256, page) {
      return getPage.get(sha256, page)?.text
    },

    async localPath(sha256) {
      return fileOf(sha256)
    },

    async forget(documentId) {
      const gone = unreferenced(documentId)
      await Promise.all(gone.map((sha) => rm(fileOf(sha), { force: true })))
      return gone
    },

    async close() {
      db.close()
    },
  }
}
