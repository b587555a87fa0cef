import fs from 'node:fs'
import path from 'node:path'
import type { Logger } from '../logger.js'

/**
 * The data dir holds documents, chunks, jobs and key hashes, often of confidential reports: it is
 * created 0700 and its files 0600, whatever the umask (a umask only removes bits, so asking for these
 * modes is enough). SQLite gives its -wal and -shm files the database file's mode, so creating the
 * database file 0600 first covers them.
 */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

export function ensurePrivateDir(dir: string): void {
  if (fs.existsSync(dir)) return
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  // recursive mkdir applies the mode to every directory it creates, the umask permitting: make sure of the last
  fs.chmodSync(dir, PRIVATE_DIR_MODE)
}

/** Creates an empty 0600 file if there is none (SQLite treats an empty file as a new database). */
export function ensurePrivateFile(file: string): void {
  ensurePrivateDir(path.dirname(file))
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, PRIVATE_FILE_MODE))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

/** Warns about a data dir or store file that others may read (made before this rule, or by hand). */
export function warnIfShared(paths: readonly string[], logger: Pick<Logger, 'warn'>): void {
  for (const p of paths) {
    const mode = fs.statSync(p, { throwIfNoEntry: false })?.mode
    if (mode === undefined || (mode & 0o077) === 0) continue
    const wanted = fs.statSync(p).isDirectory() ? '700' : '600'
    logger.warn(
      { path: p, mode: (mode & 0o777).toString(8) },
      `readable by other users: the store holds confidential documents and key hashes; run "chmod ${wanted} ${p}"`,
    )
  }
}
