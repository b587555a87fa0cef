import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestPaths } from '../../src/core/ingest/ingest-paths.js'
import { type ChatCompletionBody, type OpenAIEmulator } from '../support/openai-emulator.js'
import { startFineTuneEmulator, type FineTuneEmulator } from '../support/openai-finetune-emulator.js'
import { trainingJsonl } from '../finetune/finetune-fixtures.js'
import { startReplicaPair, type ReplicaPair } from './replica.js'

/**
 * Two replicas of `ragtune serve` (fine-tuning included) over one PostgreSQL database: fine-tune jobs, the
 * model registry and its active voice, and API keys are shared state, so whichever replica a load balancer
 * picks for a request, the answer is the same.
 */
let openai: OpenAIEmulator
let ft: FineTuneEmulator
let pair: ReplicaPair
let admin: string
const chats: ChatCompletionBody[] = []
const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-src-'))

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

beforeAll(async () => {
  ;({ emu: openai, ft } = await startFineTuneEmulator())
  openai.setResponder((body) => {
    chats.push(body)
    return `Answered by ${body.model}: revenue is in the report [1].`
  })
  // Followers poll slowly: every status change in this test comes from an explicit GET.
  pair = await startReplicaPair(openai, { pineconeLagMs: 20, fineTunePollMs: 60_000 })
  const file = path.join(src, 'acme-2023-annual-report.txt')
  fs.writeFileSync(
    file,
    'Acme Corporation Annual Report 2023\n\nTotal net revenue for fiscal 2023 was 500 million dollars.\n\nThe board declared a dividend.',
  )
  expect((await ingestPaths(pair.a.deps.ingest, [file], { documentId: 'acme-2023' })).results[0]).toMatchObject({ status: 'ingested' })
  admin = (await pair.a.deps.keys.create({ scope: 'admin', name: 'ops' })).key
})

afterAll(async () => {
  await pair?.close()
  await openai?.close()
  fs.rmSync(src, { recursive: true, force: true })
})

describe('two replicas sharing PostgreSQL: fine-tuning, the active voice and keys', () => {
  it('a fine-tune finished through A is listed by B, activated through B, and A answers with it next', async () => {
    const started = await pair.a.app.inject({
      method: 'POST',
      url: '/v1/finetunes',
      headers: bearer(admin),
      payload: { baseModel: 'gpt-4o-mini-2024-07-18', training: trainingJsonl(), suffix: 'buffett', name: 'buffett' },
    })
    expect(started.statusCode, started.body).toBe(202)
    const jobId = started.json<{ id: string }>().id
    ft.drain()
    const done = (await pair.a.app.inject({ url: `/v1/finetunes/${jobId}`, headers: bearer(admin) })).json<{
      status: string
      fineTunedModel: string
    }>()
    expect(done.status).toBe('succeeded')

    const listed = (await pair.b.app.inject({ url: '/v1/finetunes', headers: bearer(admin) })).json<{
      finetunes: { id: string; status: string }[]
    }>()
    expect(listed.finetunes).toEqual([expect.objectContaining({ id: jobId, status: 'succeeded' })])

    const before = await pair.a.app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: bearer(admin),
      payload: { question: 'What was total net revenue?' },
    })
    expect(before.json<{ model: string }>().model).toBe('gpt-4o-mini')
    const activated = await pair.b.app.inject({ method: 'POST', url: '/v1/models/buffett/activate', headers: bearer(admin), payload: {} })
    expect(activated.statusCode, activated.body).toBe(200)
    expect(activated.json()).toEqual({ id: 'buffett', active: true })

    const after = await pair.a.app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: bearer(admin),
      payload: { question: 'What was total net revenue?' },
    })
    expect(after.statusCode, after.body).toBe(200)
    expect(after.json()).toMatchObject({ voice: 'buffett', model: done.fineTunedModel })
    expect(chats.at(-1)?.model).toBe(done.fineTunedModel)
  })

  it('a key revoked on A fails on B on the very next request', async () => {
    const { key, info } = await pair.a.deps.keys.create({ scope: 'query', name: 'temp' })
    const ask = () =>
      pair.b.app.inject({ method: 'POST', url: '/v1/ask', headers: bearer(key), payload: { question: 'What was total net revenue?' } })
    expect((await ask()).statusCode).toBe(200)
    // what `ragtune keys revoke` does on A's machine (there is no HTTP route for keys)
    expect(await pair.a.deps.keys.revoke(info.id)).toBe(true)
    const refused = await ask()
    expect(refused.statusCode).toBe(401)
    expect(refused.json().error.code).toBe('invalid_api_key')
  })
})
