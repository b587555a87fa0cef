import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

/**
 * Worker threads start with no TypeScript loader (neither tsx's hooks nor vitest's transform reach them).
 * Compiled (dist/, the normal run) a worker imports plain JavaScript; from the sources (development,
 * tests) its entry must first register tsx. Both cases are decided by the module that starts the worker,
 * from its own URL, so tsx is never needed where the build runs.
 */
export function fromSources(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.ts')
}

/** The URL of a sibling module of `moduleUrl` by base name, with the extension this run uses. */
export function siblingModule(moduleUrl: string, baseName: string): string {
  return new URL(`./${baseName}${fromSources(moduleUrl) ? '.ts' : '.js'}`, moduleUrl).href
}

/** Statements for an eval'd worker's async entry that make `.ts` imports work (none when compiled). */
export function workerLoaderPrelude(moduleUrl: string): string {
  if (!fromSources(moduleUrl)) return ''
  const tsxApi = pathToFileURL(createRequire(moduleUrl).resolve('tsx/esm/api')).href
  return `const { register } = await import(${JSON.stringify(tsxApi)}); register();`
}
