import { spawn } from 'node:child_process'
import path from 'node:path'

export const BIN = path.resolve(import.meta.dirname, '../../bin/ragtune.js')

export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the `ragtune` bin in a child process (from the sources: vitest sets RAGTUNE_FROM_SOURCE=1). */
export function runBin(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; nodeArgs?: readonly string[] } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}
