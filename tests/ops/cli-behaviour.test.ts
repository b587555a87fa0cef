import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { capture } from '../support/capture-stream.js'
import { BIN, runBin } from './spawn-bin.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-cli-ops-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

// Every command and subcommand the bin knows; each must answer --help and -h with its usage, exit 0.
const COMMANDS = [
  [],
  ['serve'],
  ['ask'],
  ['keys'],
  ['keys', 'create'],
  ['keys', 'list'],
  ['keys', 'revoke'],
  ['ingest'],
  ['worker'],
  ['documents'],
  ['documents', 'list'],
  ['documents', 'show'],
  ['documents', 'delete'],
  ['finetune'],
  ['finetune', 'prepare'],
  ['finetune', 'validate'],
  ['finetune', 'run'],
  ['finetune', 'status'],
  ['finetune', 'cancel'],
  ['finetune', 'export'],
  ['finetune', 'register'],
  ['models'],
  ['models', 'list'],
  ['models', 'activate'],
  ['models', 'deactivate'],
  ['models', 'eval'],
  ['models', 'add-voice'],
  ['eval'],
  ['eval', 'retrieval'],
  ['eval', 'voice'],
  ['store'],
  ['store', 'init'],
  ['reembed'],
]

describe('--help and -h on every command', () => {
  for (const command of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      it(`ragtune ${[...command, flag].join(' ')}`, async () => {
        const stdout = capture()
        const stderr = capture()
        const code = await main(['--data-dir', path.join(dir, 'help-data'), ...command, flag], { env: {}, stdout, stderr })
        expect(stderr.text()).toBe('')
        expect(code).toBe(0)
        expect(stdout.text()).toMatch(/^usage:/)
        // the usage names the command (a subcommand may share its parent's usage line)
        const [name, sub] = command
        if (name !== undefined)
          expect(stdout.text()).toMatch(new RegExp(sub === undefined ? `ragtune ${name}\\b` : `ragtune ${name}\\b[^\\n]*\\b${sub}\\b`))
        expect(stdout.text().endsWith('\n')).toBe(true)
        // help never touches the store
        expect(fs.existsSync(path.join(dir, 'help-data'))).toBe(false)
      })
    }
  }

  // commands with a longer help print it after their usage line (prepare and eval voice printed only the usage)
  it.each([
    [['finetune', 'prepare'], /Builds a chat fine-tuning dataset/],
    [['eval', 'voice'], /authorship-verification scorer/],
    [['eval', 'retrieval'], /evidence-page recall@1\/3\/5\/10/],
  ])('ragtune %s --help explains the command', async (command, explained) => {
    const stdout = capture()
    const code = await main([...command, '--help'], { env: {}, stdout, stderr: capture() })
    expect(code).toBe(0)
    expect(stdout.text()).toMatch(/^usage: ragtune /)
    expect(stdout.text()).toMatch(explained)
  })

  it('a spawned `ragtune finetune run --help` prints the usage and exits 0', async () => {
    const r = await runBin(['finetune', 'run', '--help'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage: ragtune finetune run --train/)
  })
})

describe('a closed pipe', () => {
  it('ends the command quietly (no EPIPE stack)', async () => {
    // The reader is gone before the first write, as with `ragtune … | head -0`.
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })
})

describe('ingest DIR with files of other types', () => {
  it('reports each skipped file with its reason and counts them; the rest goes through', async () => {
    const inbox = path.join(dir, 'inbox')
    fs.mkdirSync(path.join(inbox, 'sub'), { recursive: true })
    fs.mkdirSync(path.join(inbox, '.cache'))
    fs.writeFileSync(path.join(inbox, 'memo.md'), '# Memo\n\nWidget prices rise in May.')
    fs.writeFileSync(path.join(inbox, 'letter.rtf'), '{\\rtf1 a letter}')
    fs.writeFileSync(path.join(inbox, 'sub', 'photo.jpeg'), Buffer.alloc(64, 1))
    fs.writeFileSync(path.join(inbox, '.DS_Store'), 'x')
    fs.writeFileSync(path.join(inbox, '.cache', 'x.bin'), 'x')
    const r = await runBin(['--data-dir', path.join(dir, 'data'), 'ingest', inbox, '--json'], { env: { RAGTUNE_INGEST_WORKERS: '0' } })
    expect(r.code).toBe(0)
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const skipped = lines.filter((l) => l.status === 'skipped')
    expect(skipped.map((l) => path.relative(inbox, String(l.file))).sort()).toEqual(['letter.rtf', path.join('sub', 'photo.jpeg')])
    for (const l of skipped)
      expect(l).toMatchObject({ documentId: null, version: null, pages: 0, chunks: 0, error: { code: 'unsupported_type' } })
    expect(String((skipped[0]?.error as { message: string }).message)).toMatch(/skipped: ragtune ingests .*\.pdf/)
    expect(lines.find((l) => String(l.file).endsWith('memo.md'))).toMatchObject({ status: 'ingested' })
    expect(lines.at(-1)).toMatchObject({ summary: { files: 3, ingested: 1, skipped: 2, failed: 0 } })
  })
})
