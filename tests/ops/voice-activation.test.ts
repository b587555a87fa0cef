import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { capture } from '../support/capture-stream.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-voice-activate-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function cli(...args: string[]) {
  const stdout = capture()
  const stderr = capture()
  // no OPENAI_API_KEY, no OPENAI_BASE_URL: nothing about fine-tuning is configured
  const code = await main(['--data-dir', path.join(dir, 'data'), ...args], { env: {}, stdout, stderr })
  return { code, out: stdout.text(), err: stderr.text() }
}

describe('a prompted voice', () => {
  it('is activated without any fine-tuning settings', async () => {
    const samples = path.join(dir, 'letters')
    fs.mkdirSync(samples)
    const letter = 'To the shareholders: our insurance float grew again this year, and we remain patient owners of wonderful businesses. '
    fs.writeFileSync(path.join(samples, '1990.txt'), letter.repeat(12))
    fs.writeFileSync(path.join(samples, '1991.txt'), letter.replace('insurance', 'railroad').repeat(12))
    expect((await cli('models', 'add-voice', '--name', 'chair', '--samples', samples)).code).toBe(0)
    const r = await cli('models', 'activate', 'chair', '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ id: 'chair', active: true })
    expect((await cli('models', 'list')).out).toMatch(/chair/)
  })
})
