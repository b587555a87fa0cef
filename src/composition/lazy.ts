/**
 * The composition root's one tool for loading late: a library that costs start-up time and only some work
 * needs (the openai SDK under the model and fine-tuning adapters) is imported with that work's first call,
 * through `once(() => import(...))`, and what the root hands out has the port's shape and forwards to it.
 * `load` runs on the first call and its promise is shared; a failed load is tried again on the next call.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () =>
    (pending ??= load().catch((err: unknown) => {
      pending = undefined
      throw err
    }))
}
