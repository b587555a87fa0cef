import OpenAI from 'openai'
import { afterAll, beforeAll } from 'vitest'
import { startOpenAIEmulator, type OpenAIEmulator } from './openai-emulator.js'

/**
 * An OpenAI emulator for the calling suite and the real `openai` client pointed at it (key `sk-test`, no
 * retries): started before the suite's tests, closed after them. Read `suite.emu` / `suite.client` in tests.
 */
export function openAIEmulatorPerSuite(): { readonly emu: OpenAIEmulator; readonly client: OpenAI } {
  const suite = {} as { emu: OpenAIEmulator; client: OpenAI }
  beforeAll(async () => {
    suite.emu = await startOpenAIEmulator({ apiKey: 'sk-test' })
    suite.client = new OpenAI({ apiKey: 'sk-test', baseURL: suite.emu.url, maxRetries: 0 })
  })
  afterAll(() => suite.emu.close())
  return suite
}
