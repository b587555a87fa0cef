import path from 'node:path'

/**
 * Writes made in this process, by store file: every handle of the process on that file (the server's
 * corpus, key store and registry, a CLI command run in-process) learns of them at once.
 */
const localWrites = new Map<string, number>()

/**
 * When to look at the store again, for state a SQLite adapter keeps in memory between calls (an index, a
 * flag, a version counter). Reading the store on every call is what this saves, so it says "due":
 * - after a write through any handle of this process on the same file (`wrote()`), at once;
 * - otherwise once `checkMs` have passed since the last look: a write by another process is seen within
 *   that bound. `checkMs` 0 looks every time.
 */
export interface ChangeWatch {
  /** true when the caller should read the store now; the look is then counted as done */
  due(): boolean
  /** the caller wrote to the store: every watch on the file is due */
  wrote(): void
}

export function createChangeWatch(file: string, checkMs: number): ChangeWatch {
  // a private in-memory database is its own world: only its own writes count
  const key = file === '' || file === ':memory:' ? undefined : path.resolve(file)
  let own = 0
  const writes = (): number => (key === undefined ? own : (localWrites.get(key) ?? 0))
  let seen = writes()
  let checkedAt = Number.NEGATIVE_INFINITY
  return {
    due() {
      const now = performance.now()
      const w = writes()
      if (w === seen && now - checkedAt < checkMs) return false
      seen = w
      checkedAt = now
      return true
    },
    wrote() {
      if (key === undefined) own++
      else localWrites.set(key, (localWrites.get(key) ?? 0) + 1)
    },
  }
}
