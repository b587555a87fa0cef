/** Where uploads wait for their job; deps.ts clears what a dead process left there. */
export function uploadsDir(dataDir: string): string {
  return `${dataDir}/uploads`
}

/** Originals, content-addressed (embedded default; the scaled profile keeps them in PostgreSQL). */
export function originalsDir(dataDir: string): string {
  return `${dataDir}/originals`
}

/** Rendered page images, a cache each process may rebuild. */
export function pageCacheDir(dataDir: string): string {
  return `${dataDir}/page-cache`
}
