// `node --import ./module-trace.ts …` (Node 22 strips the types): writes every module the process loads, one a line, to the
// file named by RAGTUNE_MODULE_TRACE when the process exits (start-up tests read it): the time it loaded (Date.now()), a tab,
// its URL.
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'

const loaded: string[] = []
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(`${Date.now()}\t${url}`)
    return nextLoad(url, context)
  },
})
const file = process.env.RAGTUNE_MODULE_TRACE
if (file) process.on('exit', () => writeFileSync(file, `${loaded.join('\n')}\n`))
