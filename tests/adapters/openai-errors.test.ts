import { describe, expect, it } from 'vitest'
import { translateOpenAIError } from '../../src/adapters/openai-errors.js'
import { AppError } from '../../src/errors.js'
import { translateFineTuneError } from '../../finetune/providers/openai-error.js'
import type { Fault } from '../support/openai-emulator.js'
import { openAIEmulatorPerSuite } from '../support/emulator-client.js'

// The one translation of OpenAI SDK errors, fed by the real `openai` client against the emulator.
describe('translateOpenAIError', () => {
  const suite = openAIEmulatorPerSuite()

  const failure = async (fault: Fault): Promise<unknown> => {
    suite.emu.failNext({ path: '/chat/completions', ...fault })
    try {
      await suite.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    } catch (err) {
      return err
    }
    throw new Error('the call did not fail')
  }

  it('reads retry-after as seconds, milliseconds or an HTTP date', async () => {
    const inSeconds = translateOpenAIError(await failure({ status: 429, headers: { 'retry-after': '7' } }), 'answering')
    expect(inSeconds).toMatchObject({ code: 'upstream_rate_limited', status: 503, retryable: true, retryAfter: 7 })
    const inMs = translateOpenAIError(
      await failure({ status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' } }),
      'answering',
    )
    expect(inMs).toMatchObject({ retryAfter: 2 })
    const date = new Date(Date.now() + 30_000).toUTCString()
    const atDate = translateOpenAIError(await failure({ status: 429, headers: { 'retry-after': date } }), 'answering') as AppError
    expect(atDate.retryAfter).toBeGreaterThanOrEqual(28)
    expect(atDate.retryAfter).toBeLessThanOrEqual(31)
  })

  it("a bad key is upstream_unauthorized and says which variable to set, never echoing the API's text", async () => {
    const err = translateOpenAIError(await failure({ status: 401, message: 'Incorrect API key provided' }), 'answering') as AppError
    expect(err).toMatchObject({ code: 'upstream_unauthorized', status: 502 })
    expect(err.message).toContain('OPENAI_API_KEY')
    expect(err.message).not.toContain('Incorrect API key provided')
  })

  it('a dropped connection and a 5xx are retryable upstream_error', async () => {
    expect(translateOpenAIError(await failure({ status: 0, disconnect: true }), 'answering')).toMatchObject({
      code: 'upstream_error',
      status: 502,
      retryable: true,
    })
    expect(translateOpenAIError(await failure({ status: 503 }), 'answering')).toMatchObject({ code: 'upstream_error', retryable: true })
  })

  it('other refusals are upstream_rejected unless the caller refines them (fine-tuning)', async () => {
    const denied = await failure({ status: 403, message: 'no access' })
    expect(translateOpenAIError(denied, 'answering')).toMatchObject({
      code: 'upstream_rejected',
      status: 502,
      details: { upstreamStatus: 403 },
    })
    const ft = translateFineTuneError(denied, 'creating a job')
    expect(ft).toMatchObject({ code: 'finetune_not_available', status: 403 })
    expect(ft.message).toMatch(/^creating a job: fine-tuning is not available/)
    const untunable = await failure({ status: 400, code: 'model_not_available', message: 'gpt-9 cannot be fine-tuned.' })
    expect(translateOpenAIError(untunable, 'answering')).toMatchObject({ code: 'upstream_rejected', status: 502 })
    expect(translateFineTuneError(untunable, 'creating a job')).toMatchObject({ code: 'finetune_model_unavailable', status: 400 })
  })

  it('leaves an AppError or a foreign error as it is; fine-tuning wraps a foreign one as internal', () => {
    const app = new AppError('invalid_dataset', 'bad')
    expect(translateOpenAIError(app, 'x')).toBe(app)
    const foreign = new TypeError('boom')
    expect(translateOpenAIError(foreign, 'x')).toBe(foreign)
    expect(translateFineTuneError(foreign, 'x')).toMatchObject({ code: 'internal', status: 500 })
  })
})
