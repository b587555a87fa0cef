// Worker-thread entry for the parse pool. Plain JS on purpose: a worker starts with no TypeScript loader
// (neither tsx's hooks nor vitest's transform reach it), so it registers tsx itself, then loads the
// TypeScript task code.
import { parentPort } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { runParseTask } = await import('./parse-task.ts')
parentPort.on('message', (task) => {
  void runParseTask(task, (reply) => parentPort.postMessage(reply))
})
