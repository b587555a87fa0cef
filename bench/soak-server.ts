/**
 * The server process of `npm run bench:soak` (bench/soak.ts forks it; not run by hand): one listening
 * ragtune server (port 0) configured from the environment the bench passes. It answers the bench's
 * requests over the IPC channel: `stats` (the retrieval cache's hits and misses), `memory` (RSS after a
 * full GC, with its parts), `delay-start` / `delay-stop` (this process's event-loop delay) and `close`.
 */
import fs from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { buildDeps, closeDeps } from '../src/deps.js'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
const mb = (bytes: number): number => Math.round(bytes / 1048576)
/** RSS after a full GC, with the heap and off-heap (ArrayBuffer) parts it holds */
const memory = (): { rss: number; detail: string } => {
  gc()
  const m = process.memoryUsage()
  // Linux: how much of the RSS is anonymous memory (heaps, malloc) and how much file pages (code, mapped files)
  const status = fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : ''
  const kb = (field: string): string => {
    const v = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]
    return v === undefined ? '?' : String(Math.round(Number(v) / 1024))
  }
  return {
    rss: mb(m.rss),
    detail: `heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, array buffers ${mb(m.arrayBuffers)} MB, anon ${kb('RssAnon')} MB, file ${kb('RssFile')} MB`,
  }
}

const deps = await buildDeps(loadConfig(process.env), pino({ level: 'silent' }))
const app = await buildApp(deps)
const base = await app.listen({ port: 0, host: '127.0.0.1' })
const delay = monitorEventLoopDelay({ resolution: 10 })

const send = (message: object): void => void process.send!(message)
process.on('message', (message: { id: number; type: string }) => {
  const reply = (value: unknown): void => send({ id: message.id, value })
  switch (message.type) {
    case 'stats': {
      const s = deps.caches?.stats().find((c) => c.name === 'retrieval')
      return reply({ hits: s?.hits ?? 0, misses: s?.misses ?? 0 })
    }
    case 'memory':
      return reply(memory())
    case 'delay-start':
      delay.reset()
      delay.enable()
      return reply(null)
    case 'delay-stop':
      delay.disable()
      return reply({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 })
    case 'close':
      void (async () => {
        await app.close()
        await closeDeps(deps)
        reply(null)
        process.disconnect()
      })()
  }
})
send({ id: 0, value: base })
