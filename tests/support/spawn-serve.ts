import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'

/**
 * Starts `ragtune serve` (whatever `args` name: the CLI entry, flags) in its own process on port 0 and
 * resolves with the process and its URL, read from the JSON listening log line (LOG_LEVEL must be info).
 * The caller stops it with `stop`.
 */
export async function spawnServe(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcessByStdio<null, Readable, null>; url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = ''
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        const m = /"url":"(http[^"]+)"/.exec(buf)
        if (m?.[1] !== undefined) resolve(m[1])
      })
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)))
    })
    return { child, url, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
