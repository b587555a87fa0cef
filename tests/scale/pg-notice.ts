/**
 * vitest globalSetup: PostgreSQL tests (`*.pg.test.ts`) need RAGTUNE_TEST_DATABASE_URL. Without it they
 * are excluded by vitest.config.ts, and this says so loudly, so a green run on a laptop is never read
 * as "PostgreSQL passed". In CI (CI=true) a missing URL fails the whole run instead.
 */
export default function setup(): void {
  const url = process.env.RAGTUNE_TEST_DATABASE_URL
  if (url !== undefined && url !== '') return
  const message =
    'PostgreSQL tests NOT RUN: set RAGTUNE_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run tests/**/*.pg.test.ts'
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${message} — required when CI is set`)
  process.stderr.write(`\n*** ${message} ***\n\n`)
}
