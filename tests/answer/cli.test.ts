import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { capture as sink } from '../support/capture-stream.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { createLogger } from '../../src/logger.js'
import { createSqliteCorpus } from '../../src/adapters/sqlite/sqlite-corpus.js'
import { ACME_PAGES, doc } from '../http/answer-harness.js'
import { statementFacts } from '../../src/core/facts/statement-facts.js'

async function run(args: string[], dir: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink()
  const stderr = sink()
  const code = await main(['--data-dir', dir, ...args], { stdout, stderr, env: {} })
  return { code, out: stdout.text(), err: stderr.text() }
}

describe('ragtune ask / keys', () => {
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-cli-'))
    const corpus = createSqliteCorpus({ path: path.join(dir, 'ragtune.db'), logger: createLogger({ level: 'silent' }) })
    await corpus.commitVersion(doc('acme-2022-10k', ACME_PAGES, { title: 'Acme 2022 Form 10-K', company: 'Acme', fiscalYear: 2022 }))
    const zeta = [
      'Zeta Corp Consolidated Statements of Income\n(in millions)\t2023\t2022\nNet sales\t$\t1,250\t$\t1,000\nNet income\t100\t80',
    ]
    await corpus.commitVersion({
      ...doc('zeta-2023-10k', zeta, { title: 'Zeta 2023 Form 10-K', company: 'Zeta', fiscalYear: 2023 }),
      facts: statementFacts(zeta[0] ?? '', 1),
    })
    await corpus.close()
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('ask --json prints the same result shape as the HTTP API', async () => {
    const { code, out } = await run(['ask', 'What was Acme total revenue in fiscal 2022?', '--json'], dir)
    expect(code).toBe(0)
    const result = JSON.parse(out.trim())
    expect(result).toMatchObject({ mode: 'extractive', prompt: 'extractive@1', unsupportedNumbers: [] })
    expect(result.citations[0]).toMatchObject({ documentId: 'acme-2022-10k', pageStart: 3 })
  })

  it('ask prints the answer and its sources for a terminal', async () => {
    const { code, out, err } = await run(['ask', 'Acme total revenue fiscal 2022'], dir)
    expect(code).toBe(0)
    expect(out).toMatch(/Total revenue was \$12,345 million/)
    expect(out).toMatch(/Sources:\n\[\d\] Acme 2022 Form 10-K \(acme-2022-10k v1\), p\. 3/)
    expect(err).toMatch(/extractive/)
  })

  it('ask prints the expressions of derived numbers under the answer', async () => {
    const { code, out } = await run(['ask', 'What was Zeta net sales growth in FY2023?'], dir)
    expect(code).toBe(0)
    expect(out).toMatch(/\nDerived:\n {2}25\.0% = \(1,250 − 1,000\) \/ 1,000 \[\d\]\n/)
  })

  it('ask without a question is a usage error', async () => {
    const { code, err } = await run(['ask'], dir)
    expect(code).toBe(2)
    expect(err).toMatch(/invalid_arguments/)
  })

  it('keys create prints the key once; list shows it without the secret; revoke', async () => {
    const created = await run(['keys', 'create', '--scope', 'admin', '--name', 'ops', '--json'], dir)
    expect(created.code).toBe(0)
    const { key, id, scope } = JSON.parse(created.out)
    expect(scope).toBe('admin')
    expect(key).toMatch(/^rt_/)
    const listed = await run(['keys', 'list', '--json'], dir)
    expect(listed.out).not.toContain(key)
    expect(JSON.parse(listed.out).keys).toEqual([expect.objectContaining({ id, scope: 'admin', name: 'ops', revokedAt: null })])
    expect((await run(['keys', 'revoke', id], dir)).code).toBe(0)
    expect((await run(['keys', 'revoke', id], dir)).code).toBe(1)
    expect((await run(['keys', 'create', '--scope', 'root'], dir)).code).toBe(2)
  })
})
