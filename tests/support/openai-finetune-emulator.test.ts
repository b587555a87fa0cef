import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OpenAIEmulator } from './openai-emulator.js'
import { startFineTuneEmulator, type FineTuneEmulator } from './openai-finetune-emulator.js'

const jsonl = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `q${i}` },
        { role: 'assistant', content: `a${i}` },
      ],
    }),
  ).join('\n')

// Checked with the real SDK: what it sends, the emulator accepts; what the emulator answers, it parses.
describe('fine-tuning emulator speaks the files and fine_tuning.jobs protocol', () => {
  let emu: OpenAIEmulator
  let ft: FineTuneEmulator
  let client: OpenAI
  beforeAll(async () => {
    ;({ emu, ft } = await startFineTuneEmulator())
    client = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0 })
  })
  afterAll(() => emu.close())

  it('uploads, accepts legacy hyperparameters, paginates jobs, and serves the tuned model by chat', async () => {
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl(10)), 'train.jsonl'), purpose: 'fine-tune' })
    expect(await client.files.retrieve(file.id)).toMatchObject({
      id: file.id,
      purpose: 'fine-tune',
      filename: 'train.jsonl',
      status: 'processed',
    })
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const job = await client.fineTuning.jobs.create({
        model: 'gpt-4o-mini',
        training_file: file.id,
        hyperparameters: { n_epochs: 2 },
        suffix: `s${i}`,
      })
      expect(job.hyperparameters.n_epochs).toBe(2)
      ids.push(job.id)
    }
    const listed: string[] = []
    for await (const j of client.fineTuning.jobs.list({ limit: 2 })) listed.push(j.id)
    expect(listed).toEqual([...ids].reverse())

    ft.tick(2)
    const running = await client.fineTuning.jobs.retrieve(ids[0]!)
    expect(running.status).toBe('running')
    expect(running.hyperparameters).toEqual({ n_epochs: 2, batch_size: 1, learning_rate_multiplier: 1.8 })
    ft.drain()
    const done = await client.fineTuning.jobs.retrieve(ids[0]!)
    expect(done.status).toBe('succeeded')
    const chat = await client.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: 'hi' }] })
    expect(chat.choices[0]?.finish_reason).toBe('stop')
    const events = await client.fineTuning.jobs.listEvents(done.id, { limit: 3 })
    expect(events.data[0]?.message).toBe('The job has successfully completed')
    expect(events.has_more).toBe(true)
  })

  it('answers refusals with OpenAI error bodies the SDK maps to its classes', async () => {
    const notJsonl = await client.files
      .create({ file: await toFile(Buffer.from('x'), 'train.csv'), purpose: 'fine-tune' })
      .catch((e: unknown) => e)
    expect(notJsonl).toBeInstanceOf(OpenAI.BadRequestError)
    expect((notJsonl as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('Must be .jsonl')
    const noFile = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-missing' }).catch((e: unknown) => e)
    expect(noFile).toBeInstanceOf(OpenAI.BadRequestError)
    expect((noFile as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('training_file')
    ft.available = false
    const denied = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-x' }).catch((e: unknown) => e)
    ft.available = true
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError)
    await expect(client.fineTuning.jobs.retrieve('ftjob-missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    await expect(client.fineTuning.jobs.cancel('ftjob-missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })
})
