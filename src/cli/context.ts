import type { Writable } from 'node:stream'
import { loadConfig, type Config, type Env } from '../config.js'
import { createLogger, type Logger } from '../logger.js'

export { HelpRequested, isHelp, parseCliArgs, reportCliError, requiredFlags, runSubcommand, writeJson, writeLine } from './output.js'

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
