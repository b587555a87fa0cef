import { configDefaults, defineConfig } from 'vitest/config'

// PostgreSQL tests need a server: without RAGTUNE_TEST_DATABASE_URL they are excluded and reported as
// not run by tests/scale/pg-notice.ts (which fails the run when CI is set).
const pgTests = process.env.RAGTUNE_TEST_DATABASE_URL ? [] : ['tests/**/*.pg.test.ts']

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...pgTests],
    globalSetup: ['tests/scale/pg-notice.ts'],
    // Real SQLite files, PDFs and listening servers: give slow CI machines room, but never assert on time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Processes the tests spawn (the bin, workers) run the sources being tested, not a stale dist/.
    env: { RAGTUNE_FROM_SOURCE: '1' },
  },
})
