import type { Writable } from 'node:stream'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { AppError, errorBody } from '../errors.js'
import type { CliContext } from './context.js'

/*
 * What every command shares for its arguments and output, apart from configuration and logging (context.ts):
 * bin/cli.ts prints the usage and errors with these alone, so `ragtune --help` loads neither zod nor pino.
 */

/** `--help`, `-h` (anywhere before a `--`) or `help` (as a subcommand name) ask for a command's usage. */
export function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help'
}

/** Thrown by parseCliArgs when the arguments ask for help: reportCliError prints the usage and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help requested')
    this.name = 'HelpRequested'
  }
}

/**
 * parseArgs that turns unknown flags and missing values into `invalid_arguments` with the usage line, and
 * `--help`/`-h` into the usage on stdout (every command that parses its flags here gets it).
 */
export function parseCliArgs<T extends ParseArgsConfig['options']>(
  ctx: CliContext,
  options: T,
  usage: string,
): { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] } {
  const end = ctx.argv.indexOf('--')
  const flags = end < 0 ? ctx.argv : ctx.argv.slice(0, end)
  if (flags.includes('--help') || flags.includes('-h')) throw new HelpRequested(usage)
  try {
    const parsed = parseArgs({ args: [...ctx.argv], options: options ?? {}, allowPositionals: true, strict: true })
    return { values: parsed.values, positionals: parsed.positionals }
  } catch (err) {
    throw new AppError('invalid_arguments', `${err instanceof Error ? err.message : String(err)}\nusage: ${usage}`)
  }
}

export function writeLine(stream: Writable, line: string): void {
  stream.write(line.endsWith('\n') ? line : `${line}\n`)
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`)
}

/** Prints an error the same way for every command and gives its exit code. */
export function reportCliError(ctx: CliContext, err: unknown, json: boolean): number {
  if (err instanceof HelpRequested) {
    writeLine(ctx.stdout, `usage: ${err.usage}`)
    return 0
  }
  const body = errorBody(err)
  if (json) writeJson(ctx.stdout, { error: body })
  else writeLine(ctx.stderr, `ragtune: ${body.message} [${body.code}]`)
  return err instanceof AppError && err.code === 'invalid_arguments' ? 2 : 1
}
