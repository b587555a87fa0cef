import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ModelRegistry, NewModel } from '../../src/core/model-registry.js'

/**
 * The behaviour every ModelRegistry must show (SQLite, PostgreSQL): one active model at most, version
 * bumps on every write, evaluations that follow their model, prompted samples found by keyword closeness.
 * `create` returns a fresh, empty registry; `cleanup` runs after each test.
 */
export interface ModelRegistryFactory {
  create(): Promise<ModelRegistry>
  cleanup?(): Promise<void>
}

export const tuned = (id: string, model: string | null, extra: Partial<NewModel> = {}): NewModel => ({
  id,
  provider: 'openai',
  model,
  baseModel: 'gpt-4o-mini',
  baseURL: null,
  datasetHash: null,
  jobId: null,
  status: 'ready',
  ...extra,
})

const EVALUATION = {
  evaluatedAt: '2026-11-28T00:00:00.000Z',
  prompts: 3,
  voiceScore: { base: 0.4, tuned: 0.7 },
  flags: { base: 1, tuned: 1 },
}

export function describeModelRegistryContract(name: string, factory: ModelRegistryFactory): void {
  describe(`ModelRegistry contract: ${name}`, () => {
    let registry: ModelRegistry
    beforeEach(async () => {
      registry = await factory.create()
    })
    afterEach(async () => {
      await registry.close()
      await factory.cleanup?.()
    })

    it('keeps at most one active model and refuses unknown or unready ones', async () => {
      await registry.upsert(tuned('a', 'ft:a'))
      await registry.upsert(tuned('b', 'ft:b', { jobId: 'ftjob-b' }))
      await registry.upsert(tuned('training', null, { status: 'training' }))
      expect(await registry.active()).toBeUndefined()
      await registry.activate('a')
      await registry.activate('b')
      expect((await registry.list()).filter((m) => m.active).map((m) => m.id)).toEqual(['b'])
      expect((await registry.active())?.id).toBe('b')
      expect((await registry.findByJob('ftjob-b'))?.id).toBe('b')
      await expect(registry.activate('nope')).rejects.toMatchObject({ code: 'model_not_found', status: 404 })
      await expect(registry.activate('training')).rejects.toMatchObject({ code: 'model_not_ready' })
      await registry.deactivateAll()
      expect(await registry.active()).toBeUndefined()
    })

    it('bumps its version on every write, and only on writes', async () => {
      const v0 = await registry.version()
      await registry.upsert(tuned('a', 'ft:a'))
      const v1 = await registry.version()
      expect(v1).toBeGreaterThan(v0)
      await registry.list()
      await registry.closestSamples('a', 'anything', 2)
      expect(await registry.version()).toBe(v1)
      await registry.activate('a')
      const v2 = await registry.version()
      expect(v2).toBeGreaterThan(v1)
      await registry.setEvaluation('a', EVALUATION)
      expect(await registry.version()).toBeGreaterThan(v2)
    })

    it('keeps the active flag across updates, and the evaluation only while it measures the same model', async () => {
      await registry.upsert(tuned('b', 'ft:b:1'))
      await registry.activate('b')
      await registry.setEvaluation('b', EVALUATION)
      expect(await registry.upsert(tuned('b', 'ft:b:1', { datasetHash: 'h' }))).toMatchObject({
        active: true,
        datasetHash: 'h',
        evaluation: EVALUATION,
      })
      expect(await registry.upsert(tuned('b', 'ft:b:2'))).toMatchObject({ active: true, model: 'ft:b:2', evaluation: null })
      await expect(registry.setEvaluation('nope', EVALUATION)).rejects.toMatchObject({ code: 'model_not_found' })
    })

    it('binds a voice to a collection, keeps the binding across updates, and unbinds it', async () => {
      expect(await registry.upsert(tuned('ir', 'ft:ir:1'))).toMatchObject({ collection: null })
      const v = await registry.version()
      expect(await registry.bindCollection('ir', 'investor-relations')).toMatchObject({ id: 'ir', collection: 'investor-relations' })
      expect(await registry.version()).toBeGreaterThan(v)
      expect(await registry.upsert(tuned('ir', 'ft:ir:2'))).toMatchObject({ collection: 'investor-relations' })
      expect(await registry.bindCollection('ir', null)).toMatchObject({ collection: null })
      await expect(registry.bindCollection('nope', 'x')).rejects.toMatchObject({ code: 'model_not_found' })
    })

    it('returns the voice samples closest to the question, and some samples for an unrelated one', async () => {
      await registry.upsert(tuned('buffett', null, { provider: 'prompted', kind: 'prompted' }))
      const passages = [
        'Our insurance float grew again; float is money we hold but do not own.',
        'Railroads are capital intensive, and BNSF spends heavily on track.',
        'Charlie and I never buy a business we do not understand.',
        'Share repurchases make sense only when the price is below intrinsic value.',
      ]
      expect((await registry.setVoiceSamples('buffett', passages)).kind).toBe('prompted')
      expect(await registry.closestSamples('buffett', 'How did the insurance float change?', 1)).toEqual([passages[0]])
      expect((await registry.closestSamples('buffett', 'When are repurchases sensible?', 2))[0]).toBe(passages[3])
      expect(await registry.closestSamples('buffett', 'zzz qqq', 2)).toHaveLength(2)
      expect(await registry.closestSamples('other', 'insurance float', 3)).toEqual([])
      // Replacing samples drops the old ones.
      await registry.setVoiceSamples('buffett', ['Only this one about float.'])
      expect(await registry.closestSamples('buffett', 'insurance float', 3)).toEqual(['Only this one about float.'])
      // Samples on a fine-tuned model make it both.
      await registry.upsert(tuned('ft', 'ft:x'))
      expect((await registry.setVoiceSamples('ft', passages)).kind).toBe('prompted+fine-tuned')
    })
  })
}
