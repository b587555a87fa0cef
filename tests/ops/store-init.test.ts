import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../bin/cli.js'
import { capture } from '../support/capture-stream.js'
import { startPineconeEmulator, type PineconeEmulator } from '../support/pinecone-emulator.js'
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator.js'

let dir: string
let openai: OpenAIEmulator
const emulators: PineconeEmulator[] = []
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-store-init-'))
  openai = await startOpenAIEmulator()
})
afterAll(async () => {
  for (const e of emulators) await e.close()
  await openai.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function init(env: Record<string, string>) {
  const stdout = capture()
  const stderr = capture()
  const code = await main(['store', 'init', '--json'], { env: { RAGTUNE_DATA_DIR: path.join(dir, 'data'), ...env }, stdout, stderr })
  return { code, out: stdout.text() ? (JSON.parse(stdout.text()) as Record<string, unknown>) : undefined, stderr: stderr.text() }
}

describe('ragtune store init', () => {
  it('creates the Pinecone index ragtune needs, then finds it there (idempotent)', async () => {
    const pc = await startPineconeEmulator({ exists: false, apiKey: 'pc' })
    emulators.push(pc)
    const env = {
      RAGTUNE_VECTOR_STORE: 'pinecone',
      PINECONE_API_KEY: 'pc',
      PINECONE_INDEX: pc.indexName,
      PINECONE_CONTROLLER_HOST: pc.controllerUrl,
    }
    const first = await init(env)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.out).toMatchObject({ store: expect.stringContaining('pinecone'), index: { name: pc.indexName, created: true } })
    const again = await init(env)
    expect(again.code).toBe(0)
    expect(again.out).toMatchObject({ index: { created: false } })
  })

  it('sizes a dense index by the embedding model, and refuses an existing index of another shape', async () => {
    const pc = await startPineconeEmulator({ exists: false, apiKey: 'pc', indexName: 'dense' })
    emulators.push(pc)
    const env = {
      RAGTUNE_VECTOR_STORE: 'pinecone',
      PINECONE_API_KEY: 'pc',
      PINECONE_INDEX: 'dense',
      PINECONE_CONTROLLER_HOST: pc.controllerUrl,
      RAGTUNE_EMBEDDING_MODEL: 'text-embedding-3-small',
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'k',
    }
    const first = await init(env)
    expect(first.code).toBe(0)
    const dimension = (first.out?.index as { dimension: number }).dimension
    expect(dimension).toBeGreaterThan(0)
    // the same index with no embedding model would need a sparse index: a clear error, nothing changed
    const { RAGTUNE_EMBEDDING_MODEL: _drop, ...sparseEnv } = env
    const wrong = await init(sparseEnv)
    expect(wrong.code).toBe(1)
    expect(wrong.out).toMatchObject({ error: { code: 'vector_store_misconfigured' } })
    expect((await init(env)).out).toMatchObject({ index: { created: false, dimension } })
  })
})
