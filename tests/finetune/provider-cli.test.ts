import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { type OpenAIEmulator } from '../support/openai-emulator.js'
import { startFineTuneEmulator, type FineTuneEmulator } from '../support/openai-finetune-emulator.js'
import { createSqliteModelRegistry } from '../../src/adapters/sqlite/sqlite-model-registry.js'
import { createJobPrinter } from '../../finetune/cli/job-printer.js'
import type { FineTuneJob } from '../../src/core/finetune.js'
import { capture, tempDir, trainingJsonl, writeFile } from './finetune-fixtures.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('ragtune finetune run|status|cancel against the emulator', () => {
  let emu: OpenAIEmulator
  let ft: FineTuneEmulator
  let dir: string
  let env: Record<string, string>
  beforeAll(async () => {
    ;({ emu, ft } = await startFineTuneEmulator())
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    dir = tempDir('ft-cli')
    writeFile(dir, 'train.jsonl', trainingJsonl())
    writeFile(dir, 'validation.jsonl', trainingJsonl(10))
    env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'sk-test', RAGTUNE_DATA_DIR: path.join(dir, 'data') }
    ft.advanceOnPoll = false
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const cli = async (...argv: string[]) => {
    const stdout = capture()
    const stderr = capture()
    const code = await main(argv, { env, stdout, stderr })
    return {
      code,
      out: stdout.text(),
      err: stderr.text(),
      json: () =>
        stdout
          .text()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
    }
  }

  it('runs with --watch to succeeded and registers the tuned model under --name', async () => {
    ft.advanceOnPoll = true
    const t = path.join(dir, 'train.jsonl')
    const v = path.join(dir, 'validation.jsonl')
    const r = await cli(
      'finetune',
      'run',
      '--train',
      t,
      '--validation',
      v,
      '--base-model',
      'gpt-4o-mini-2024-07-18',
      '--suffix',
      'buffett',
      '--name',
      'buffett',
      '--epochs',
      '3',
      '--seed',
      '42',
      '--watch',
      '--poll-seconds',
      '0',
    )
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/: queued\n[\s\S]*: running\n[\s\S]*Step 3\/3: training loss=\S+ \[100%\][\s\S]*: succeeded\n/)
    expect(r.out).toContain('registered as "buffett"')
    const list = await cli('models', 'list', '--json')
    const [model] = list.json()
    expect(model).toMatchObject({
      id: 'buffett',
      provider: 'openai',
      status: 'ready',
      kind: 'fine-tuned',
      baseModel: 'gpt-4o-mini-2024-07-18',
    })
    expect(model?.model).toMatch(/^ft:gpt-4o-mini-2024-07-18:emulator-org:buffett:/)
  })

  it('lists stored jobs, and a retrained active voice does not go live unevaluated', async () => {
    ft.advanceOnPoll = true
    const t = path.join(dir, 'train.jsonl')
    expect(
      (await cli('finetune', 'run', '--train', t, '--base-model', 'gpt-4o-mini', '--name', 'voice', '--watch', '--poll-seconds', '0')).code,
    ).toBe(0)
    expect((await cli('models', 'activate', 'voice')).code).toBe(0)
    const again = await cli(
      'finetune',
      'run',
      '--train',
      t,
      '--base-model',
      'gpt-4o-mini',
      '--name',
      'voice',
      '--watch',
      '--poll-seconds',
      '0',
    )
    expect(again.code).toBe(0)
    const second = /registered as "(ft:[^"]+)"/.exec(again.out)?.[1]
    expect(second).toBeDefined()
    const models = (await cli('models', 'list', '--json')).json()
    expect(models.find((m) => m.id === 'voice')).toMatchObject({ active: true })
    expect(models.find((m) => m.id === second)).toMatchObject({ active: false, model: second })
    const listed = await cli('finetune', 'status')
    expect(listed.out.trim().split('\n')).toHaveLength(2)
    expect(listed.out).toContain('status succeeded')
  })

  it('reports a failed job with its error and exit code 1', async () => {
    ft.scriptNext({
      outcome: 'failed',
      error: { code: 'quota_exceeded', message: 'Your organization has exceeded its fine-tuning quota.' },
    })
    const started = await cli('finetune', 'run', '--train', path.join(dir, 'train.jsonl'), '--base-model', 'gpt-4o-mini', '--json')
    expect(started.code).toBe(0)
    const jobId = started.json()[0]!.id as string
    ft.drain()
    const r = await cli('finetune', 'status', jobId, '--poll-seconds', '0', '--json')
    expect(r.code).toBe(1)
    const lines = r.json()
    expect(lines.at(-1)).toMatchObject({ type: 'job', status: 'failed', error: { code: 'quota_exceeded' } })
    expect(lines.some((l) => l.type === 'event' && l.level === 'error')).toBe(true)
    expect((await cli('models', 'list', '--json')).out).toBe('')
  })

  it('cancels a job', async () => {
    const started = await cli('finetune', 'run', '--train', path.join(dir, 'train.jsonl'), '--base-model', 'gpt-4o-mini', '--json')
    const jobId = started.json()[0]!.id as string
    ft.tick(2)
    const r = await cli('finetune', 'cancel', jobId, '--json')
    expect(r.code).toBe(0)
    expect(r.json()[0]).toMatchObject({ id: jobId, status: 'cancelled' })
    const again = await cli('finetune', 'cancel', jobId)
    expect(again.code).toBe(1)
    expect(again.err).toContain('[finetune_not_cancellable]')
  })

  it('refuses a dataset that fails the local checks before uploading anything', async () => {
    const bad = writeFile(dir, 'bad.jsonl', '{"messages": []}\nnot json\n')
    const uploads = ft.files.size
    const r = await cli('finetune', 'run', '--train', bad, '--base-model', 'gpt-4o-mini')
    expect(r.code).toBe(1)
    expect(r.err).toContain('[invalid_dataset]')
    expect(r.err).toContain('invalid_json')
    expect(ft.files.size).toBe(uploads)
  })

  it('says clearly when the organisation has no fine-tuning access', async () => {
    ft.available = false
    try {
      const r = await cli('finetune', 'run', '--train', path.join(dir, 'train.jsonl'), '--base-model', 'gpt-4o-mini')
      expect(r.code).toBe(1)
      expect(r.err).toContain('fine-tuning is not available to this organisation')
      expect(r.err).toContain('[finetune_not_available]')
    } finally {
      ft.available = true
    }
  })

  it('resumes watching after the CLI process is killed, showing only events it had not shown', async () => {
    const started = await cli(
      'finetune',
      'run',
      '--train',
      path.join(dir, 'train.jsonl'),
      '--base-model',
      'gpt-4o-mini',
      '--name',
      'resumed',
      '--json',
    )
    const jobId = started.json()[0]!.id as string

    // First process: a real `ragtune finetune status` child, killed once it has shown the first training step.
    const child = spawn(process.execPath, [path.join(root, 'bin/ragtune.js'), 'finetune', 'status', jobId, '--poll-seconds', '0.05'], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let shown = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        shown += d.toString()
        if (shown.includes('Step 1/3')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`status exited early (${code}): ${stderr}`)))
      ft.tick(3)
    })
    child.kill('SIGKILL')
    await exited
    expect(shown).toContain('Created fine-tuning job')

    // Second process (in-process, fresh store handle): picks up from the last event the first one showed.
    ft.advanceOnPoll = true
    const r = await cli('finetune', 'status', jobId, '--poll-seconds', '0')
    expect(r.code).toBe(0)
    expect(r.out).not.toContain('Created fine-tuning job')
    expect(r.out).not.toContain('Step 1/3')
    expect(r.out).toContain('Step 2/3')
    expect(r.out).toContain('Step 3/3')
    expect(r.out).toContain(': succeeded')
    const registry = createSqliteModelRegistry({ path: path.join(dir, 'data', 'ragtune.db') })
    try {
      expect(await registry.get('resumed')).toMatchObject({ status: 'ready', jobId })
    } finally {
      await registry.close()
    }
  })

  it('on a TTY, training steps redraw one progress bar; other events and statuses are whole lines', () => {
    const out = Object.assign(capture(), { isTTY: true })
    const printer = createJobPrinter({ argv: [], env: {}, stdout: out, stderr: capture() }, false)
    const job: FineTuneJob = {
      id: 'ftjob-1',
      provider: 'openai',
      baseModel: 'gpt-4o-mini',
      status: 'running',
      fineTunedModel: null,
      trainingFileId: 'f',
      validationFileId: null,
      suffix: null,
      error: null,
      trainedTokens: null,
      createdAt: 'now',
      finishedAt: null,
    }
    printer.update({ type: 'status', job })
    for (const step of [1, 2])
      printer.update({
        type: 'event',
        job,
        event: { id: `e${step}`, createdAt: 't', level: 'info', message: `Step ${step}/4`, step, totalSteps: 4, trainLoss: 1 / step },
      })
    printer.update({ type: 'event', job, event: { id: 'e3', createdAt: 't', level: 'info', message: 'Checkpoint saved' } })
    const text = out.text()
    expect(text).toContain('ftjob-1: running\n')
    expect(text).toContain('\r\x1b[2K[###############---------------] step 2/4  loss 0.500')
    // The bar is cleared before the next whole line, so lines never run into it.
    expect(text.endsWith('loss 0.500\r\x1b[2Kt  info   Checkpoint saved\n')).toBe(true)
  })
})
