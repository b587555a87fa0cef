import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FineTuneJob, FineTuneJobStore } from '../../src/core/finetune.js'

/**
 * The behaviour every FineTuneJobStore must show (SQLite, PostgreSQL): a job saved through one handle is
 * read through another (another replica), a refresh from the provider keeps what only ragtune knows
 * (dataset hash, voice name, last event), and `unfinishedOnly` lists what a restart must follow.
 */
export interface FineTuneJobStoreFactory {
  open(): Promise<FineTuneJobStore>
  cleanup?(): Promise<void>
}

export const providerJob = (id: string, extra: Partial<FineTuneJob> = {}): FineTuneJob => ({
  id,
  provider: 'openai',
  baseModel: 'gpt-4o-mini-2024-07-18',
  status: 'validating_files',
  fineTunedModel: null,
  trainingFileId: `file-${id}`,
  validationFileId: null,
  suffix: 'buffett',
  error: null,
  trainedTokens: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  finishedAt: null,
  ...extra,
})

export function describeFineTuneJobStoreContract(name: string, factory: FineTuneJobStoreFactory): void {
  describe(`FineTuneJobStore contract: ${name}`, () => {
    let a: FineTuneJobStore
    let b: FineTuneJobStore
    beforeEach(async () => {
      a = await factory.open()
      b = await factory.open()
    })
    afterEach(async () => {
      await a.close()
      await b.close()
      await factory.cleanup?.()
    })

    it('saves a job with what only ragtune knows, and a provider refresh through another handle keeps it', async () => {
      const saved = await a.save(providerJob('ftjob-1'), { datasetHash: 'sha-1', voiceName: 'buffett' })
      expect(saved).toMatchObject({
        id: 'ftjob-1',
        status: 'validating_files',
        datasetHash: 'sha-1',
        voiceName: 'buffett',
        lastEventId: null,
      })
      const running = await b.save(providerJob('ftjob-1', { status: 'running' }), { lastEventId: 'ev-3' })
      expect(running).toMatchObject({ status: 'running', datasetHash: 'sha-1', voiceName: 'buffett', lastEventId: 'ev-3' })
      const done = await a.save(
        providerJob('ftjob-1', {
          status: 'succeeded',
          fineTunedModel: 'ft:gpt-4o-mini:org:buffett:1',
          trainedTokens: 1200,
          finishedAt: '2026-12-01T11:00:00.000Z',
        }),
        {},
      )
      expect(done).toMatchObject({
        status: 'succeeded',
        fineTunedModel: 'ft:gpt-4o-mini:org:buffett:1',
        trainedTokens: 1200,
        lastEventId: 'ev-3',
        voiceName: 'buffett',
      })
      expect(await b.get('ftjob-1')).toEqual(done)
      expect(await b.get('ftjob-none')).toBeUndefined()
    })

    it("keeps a failed job's error and lists unfinished jobs apart, newest first", async () => {
      await a.save(providerJob('ftjob-old', { createdAt: '2026-12-01T09:00:00.000Z', status: 'queued' }), {})
      await a.save(providerJob('ftjob-new', { createdAt: '2026-12-01T12:00:00.000Z', status: 'running' }), {})
      const error = { code: 'invalid_training_file', message: 'line 3: no assistant message' }
      await a.save(providerJob('ftjob-failed', { createdAt: '2026-12-01T11:00:00.000Z', status: 'failed', error }), {})
      expect((await b.list()).map((j) => j.id)).toEqual(['ftjob-new', 'ftjob-failed', 'ftjob-old'])
      expect((await b.list({ unfinishedOnly: true })).map((j) => j.id)).toEqual(['ftjob-new', 'ftjob-old'])
      expect((await b.get('ftjob-failed'))?.error).toEqual(error)
    })
  })
}
