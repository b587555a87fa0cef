/** Where uploads wait for their job; deps.ts clears what a dead process left there. */
export function uploadsDir(dataDir: string): string {
  return `${dataDir}/uploads`
}
