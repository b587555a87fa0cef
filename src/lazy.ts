/**
 * Loading late: a library that costs start-up time and only some work needs (the openai SDK under the
 * model and fine-tuning adapters, prom-client, the browser app's plugins, ajv) is loaded with that work's
 * first call, and what is handed out forwards to it.
 */

/**
 * `load` runs on the first call and its promise is shared (`once(() => import(...))`); a failed load is
 * tried again on the next call.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () =>
    (pending ??= load().catch((err: unknown) => {
      pending = undefined
      throw err
    }))
}

/** `once` for work that needs no await (a `require`, a compiler built on first use): made on the first call, then kept. */
export function onceSync<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}
