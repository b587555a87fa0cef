#!/usr/bin/env node
// The `ragtune` executable. Plain JavaScript, so it runs on any node: on one older than 22 it hands over
// to the project's Node 22 (scripts/node22.mjs, the rule npm start/test and the Docker image share).
// It runs the compiled build (dist/, made by `npm run build`, which `npm ci` runs) when there is one, with
// Node's compile cache on, and the TypeScript sources through tsx otherwise or when RAGTUNE_FROM_SOURCE=1
// (development, tests).
import { existsSync } from 'node:fs'
import module from 'node:module'
import { fileURLToPath } from 'node:url'
import { reexecIfOld } from '../scripts/node22.mjs'

const self = fileURLToPath(import.meta.url)
if (!reexecIfOld(self)) {
  const compiled = new URL('../dist/bin/cli.js', import.meta.url)
  let main
  if (process.env.RAGTUNE_FROM_SOURCE !== '1' && existsSync(compiled)) {
    // Node's on-disk code cache (in the temp dir, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns
    // it off): a command's modules are compiled once, not on every start. Where it cannot write, Node
    // carries on without it.
    module.enableCompileCache?.()
    ;({ main } = await import(compiled.href))
  } else {
    const { register } = await import('tsx/esm/api')
    register()
    ;({ main } = await import('./cli.ts'))
  }
  process.exitCode = await main(process.argv.slice(2))
}
