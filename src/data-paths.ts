/**
 * Where uploads wait for their job; deps.ts clears what a dead process left there. Its own module so the
 * composition root does not load the HTTP app (fastify and every route) for a CLI command.
 */
export function uploadsDir(dataDir: string): string {
  return `${dataDir}/uploads`
}
