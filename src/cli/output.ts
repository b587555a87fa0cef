import type { Writable } from 'node:stream'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { AppError, errorBody } from '../errors.js'
import type { CliContext, Command } from './context.js'

/*
 * What every command shares for its arguments and output, apart from configuration and logging (context.ts):
 * bin/cli.ts prints the usage and errors with these alone, so `ragtune --help` loads neither zod nor pino.
 */

/** `--help`, `-h` (anywhere before a `--`) or `help` (as a subcommand name) ask for a command's usage. */
export function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help'
}

/** Thrown by parseCliArgs when the arguments ask for help: reportCliError prints the help (by default the usage line) and exits 0. */
export class HelpRequested extends Error {
  constructor(
    usage: string,
    readonly help = `usage: ${usage}`,
  ) {
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
  help?: string,
): { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] } {
  const end = ctx.argv.indexOf('--')
  const flags = end < 0 ? ctx.argv : ctx.argv.slice(0, end)
  if (flags.includes('--help') || flags.includes('-h')) throw new HelpRequested(usage, help)
  try {
    const parsed = parseArgs({ args: [...ctx.argv], options: options ?? {}, allowPositionals: true, strict: true })
    return { values: parsed.values, positionals: parsed.positionals }
  } catch (err) {
    throw new AppError('invalid_arguments', `${err instanceof Error ? err.message : String(err)}\nusage: ${usage}`)
  }
}

/**
 * The values of the string flags a command cannot run without, by name; when one is missing,
 * `invalid_arguments` naming them all, with the usage line.
 */
export function requiredFlags<K extends string>(
  values: Readonly<Record<string, unknown>>,
  names: readonly K[],
  usage: string,
): Record<K, string> {
  const found: Partial<Record<K, string>> = {}
  for (const name of names) {
    const value = values[name]
    if (typeof value !== 'string') {
      const flags = names.map((n) => `--${n}`)
      const listed =
        flags.length === 1
          ? `${flags[0]} is`
          : `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)} are${flags.length === 2 ? ' both' : ''}`
      throw new AppError('invalid_arguments', `${listed} required\nusage: ${usage}`)
    }
    found[name] = value
  }
  return found as Record<K, string>
}

/**
 * `ragtune GROUP NAME …`: runs the subcommand NAME with the rest of the arguments. No name prints the
 * group's usage and exits 2; `help`/`--help` prints it and exits 0; an unknown name is `invalid_arguments`.
 */
export async function runSubcommand(
  ctx: CliContext,
  group: string,
  usage: string,
  load: (name: string) => Promise<Command> | undefined,
): Promise<number> {
  const [name, ...rest] = ctx.argv
  if (name === undefined || isHelp(name)) {
    writeLine(ctx.stdout, usage)
    return name === undefined ? 2 : 0
  }
  const command = load(name)
  if (command === undefined) {
    writeLine(ctx.stderr, `ragtune: unknown ${group} command "${name}" [invalid_arguments]\n${usage}`)
    return 2
  }
  return (await command)({ ...ctx, argv: rest })
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
    writeLine(ctx.stdout, err.help)
    return 0
  }
  const body = errorBody(err)
  if (json) writeJson(ctx.stdout, { error: body })
  else writeLine(ctx.stderr, `ragtune: ${body.message} [${body.code}]`)
  return err instanceof AppError && err.code === 'invalid_arguments' ? 2 : 1
}
