// `npm run build` (and `prepare`, so `npm ci` builds): tsc compiles every TypeScript file under src/,
// ingestion/, finetune/ and bin/ into dist/ (tsconfig.build.json), then the asset folders are copied
// beside it. Runs under Node >= 22 (see package.json).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
let tsc
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc')
} catch {
  // An install without devDependencies (npm ci --omit=dev) has no compiler: it must bring dist/ along.
  console.error(
    existsSync(path.join(root, 'dist/bin/cli.js'))
      ? 'build: no TypeScript compiler installed; keeping the existing dist/'
      : 'build: no TypeScript compiler installed (devDependencies omitted) and no dist/: the bin will need tsx',
  )
  process.exit(0)
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root })
if (r.status !== 0) process.exit(r.status ?? 1)
// Files the code reads relative to the repository root (prompt templates, the web console's static files)
// go beside the compiled tree, where the same relative paths find them.
for (const dir of ['prompts', 'web']) {
  if (existsSync(path.join(root, dir))) cpSync(path.join(root, dir), path.join(root, 'dist', dir), { recursive: true })
}
// Files a module reads from beside itself (the unsloth export's training script) go beside its compiled form.
for (const file of ['finetune/export/train_unsloth.py']) cpSync(path.join(root, file), path.join(root, 'dist', file))
