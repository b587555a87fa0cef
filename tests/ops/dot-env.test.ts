import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runBin } from './spawn-bin.js'

// flags > environment > .env, shown on where the store goes (RAGTUNE_DATA_DIR / --data-dir).
const dirs: string[] = []
function project(dotEnv: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-dotenv-'))
  dirs.push(dir)
  fs.writeFileSync(path.join(dir, '.env'), dotEnv)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('.env at start', () => {
  it('is read from the current directory', async () => {
    const cwd = project('# comment\nRAGTUNE_DATA_DIR=./from-dotenv\n')
    const r = await runBin(['documents', 'list', '--json'], { cwd, env: { RAGTUNE_DATA_DIR: undefined } })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(fs.existsSync(path.join(cwd, 'from-dotenv/ragtune.db'))).toBe(true)
  })

  it('never overrides the environment, and a flag overrides both', async () => {
    const cwd = project('RAGTUNE_DATA_DIR=./from-dotenv\n')
    await runBin(['documents', 'list'], { cwd, env: { RAGTUNE_DATA_DIR: path.join(cwd, 'from-env') } })
    expect(fs.existsSync(path.join(cwd, 'from-env/ragtune.db'))).toBe(true)
    await runBin(['--data-dir', path.join(cwd, 'from-flag'), 'documents', 'list'], {
      cwd,
      env: { RAGTUNE_DATA_DIR: path.join(cwd, 'from-env-2') },
    })
    expect(fs.existsSync(path.join(cwd, 'from-flag/ragtune.db'))).toBe(true)
    expect(fs.existsSync(path.join(cwd, 'from-dotenv'))).toBe(false)
    expect(fs.existsSync(path.join(cwd, 'from-env-2'))).toBe(false)
  })

  it('a bad value in .env is reported like one in the environment', async () => {
    const cwd = project('PORT=not-a-port\n')
    const r = await runBin(['serve'], { cwd, env: { PORT: undefined, RAGTUNE_DATA_DIR: path.join(cwd, 'data') } })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/PORT/)
  })
})
