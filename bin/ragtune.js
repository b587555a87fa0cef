#!/usr/bin/env node
// The `ragtune` executable. Plain JavaScript, so it runs on any node: on one older than 22 it hands over
// to the project's Node 22 (scripts/node22.mjs, the rule npm start/test and the Docker image share).
// It runs the compiled build (dist/, made by `npm run build`, which `npm ci` runs) when there is one, and
// the TypeScript sources through tsx otherwise or when RAGTUNE_FROM_SOURCE=1 (development, tests).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { reexecIfOld } from '../scripts/node22.mjs'

const self = fileURLToPath(import.meta.url)
if (!reexecIfOld(self)) {
  const compiled = new URL('../dist/bin/cli.js', import.meta.url)
  let main
  if (process.env.RAGTUNE_FROM_SOURCE !== '1' && existsSync(compiled)) {
    ;({ main } = await import(compiled.href))
  } else {
    const { register } = await import('tsx/esm/api')
    register()
    ;({ main } = await import('./cli.ts'))
  }
  process.exitCode = await main(process.argv.slice(2))
}
