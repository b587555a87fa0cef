import { Writable } from 'node:stream'
import type { CliContext, Command } from '../../src/cli/context.js'

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- tests inspect the printed JSON field by field */
export interface CommandRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  lastJson(): any
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Runs one command in-process like bin/cli.ts would and captures its output. */
export async function runCommand(
  command: Command,
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CommandRun> {
  const stdout = new Capture()
  const stderr = new Capture()
  const ctx: CliContext = { argv, env, stdout, stderr }
  const code = await command(ctx)
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    lastJson: () => JSON.parse(stdout.text.trim().split('\n').at(-1) ?? 'null') as unknown,
  }
}
