import type { Writable } from 'node:stream'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { loadConfig, type Config, type Env } from '../config.js'
import { createLogger, type Logger } from '../logger.js'
import { AppError, errorBody } from '../errors.js'

/** What every command receives from bin/ragtune.js; tests build one to run commands in-process. */
export interface CliContext {
  readonly argv: readonly string[]
  readonly env: Env
  readonly stdout: Writable & { isTTY?: boolean; columns?: number }
  readonly stderr: Writable & { isTTY?: boolean }
  /** from the global --data-dir flag, when given */
  readonly dataDir?: string
}

/** A command returns its exit code: 0 ok, 1 the work failed (some file, a check), 2 bad arguments. */
export type Command = (ctx: CliContext) => Promise<number>

export function cliConfig(ctx: CliContext): Config {
  return loadConfig(ctx.env, ctx.dataDir === undefined ? {} : { dataDir: ctx.dataDir })
}

/** CLI logs go to stderr (stdout is for results and JSON lines), quiet unless LOG_LEVEL says otherwise. */
export function cliLogger(ctx: CliContext, config: Config): Logger {
  const level = ctx.env.LOG_LEVEL ? config.log.level : 'warn'
  return createLogger({ level, pretty: config.log.pretty })
}

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
