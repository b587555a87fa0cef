import fs from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

// No Docker engine here: the compose file is checked against the Compose Specification's JSON schema (the
// copy dclint ships) and for the wiring the scaled profile needs to come up unaided.
const root = path.resolve(import.meta.dirname, '../..')
// (dclint's package exports do not include its schemas, so the file is read from the installed package)
const { $schema: draft, ...schema } = JSON.parse(
  fs.readFileSync(path.join(root, 'node_modules/dclint/schemas/compose.schema.json'), 'utf8'),
) as { $schema: string }
// Ajv's default dialect is draft-07, the one the file names (by an https URL Ajv does not register).
if (!String(draft).includes('draft-07')) throw new Error(`compose schema is ${draft}, not draft-07`)
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema)
const text = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')

interface Service {
  image?: string
  profiles?: string[]
  environment?: Record<string, string>
  env_file?: { path: string; required: boolean }[]
  depends_on?: Record<string, { condition: string }>
  entrypoint?: string[]
  command?: string[]
  volumes?: string[]
  ports?: string[]
  healthcheck?: { disable?: boolean; test?: string[] }
}
const compose = parse(text, { merge: true }) as { services: Record<string, Service> }
const services = compose.services

describe('docker-compose.yml', () => {
  it('is valid under the Compose Specification schema', () => {
    const ok = validate(compose)
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
  })

  it('the schema check can fail (a misspelt key is caught)', () => {
    const broken = parse(text.replace('depends_on:', 'depend_on:'), { merge: true }) as object
    expect(validate(broken)).toBe(false)
  })

  it('passes every setting through from .env, optional', () => {
    for (const name of ['init', 'ragtune', 'scaled-init', 'api-1', 'api-2', 'ingest']) {
      expect(services[name]?.env_file, name).toEqual([{ path: '.env', required: false }])
    }
  })

  it('never crash-loops for want of a key: a one-shot init creates one before the API starts', () => {
    for (const [init, api] of [
      ['init', 'ragtune'],
      ['scaled-init', 'api-1'],
      ['scaled-init', 'api-2'],
      ['scaled-init', 'ingest'],
    ] as const) {
      expect(services[api]?.depends_on?.[init]).toEqual({ condition: 'service_completed_successfully' })
    }
    for (const init of ['init', 'scaled-init']) {
      const script = services[init]?.entrypoint?.join(' ') ?? ''
      expect(script).toContain('bin/ragtune.js store init')
      expect(script).toMatch(/keys create --scope admin .*--if-none --out \/data\/secrets\//)
    }
  })

  it('scaled profile: Pinecone Local, PostgreSQL, two API replicas and a worker behind a load balancer', () => {
    const scaled = Object.entries(services)
      .filter(([, s]) => s.profiles?.includes('scaled'))
      .map(([n]) => n)
      .sort()
    expect(scaled).toEqual(['api-1', 'api-2', 'ingest', 'lb', 'pinecone-local', 'postgres', 'scaled-init'])
    expect(services['pinecone-local']?.image).toMatch(/^ghcr\.io\/pinecone-io\/pinecone-local:/)
    expect(services['pinecone-local']?.environment).toMatchObject({ PORT: '5080', PINECONE_HOST: 'pinecone-local' })
    for (const api of ['api-1', 'api-2', 'ingest']) {
      expect(services[api]?.environment).toMatchObject({
        RAGTUNE_VECTOR_STORE: 'pinecone',
        PINECONE_CONTROLLER_HOST: expect.stringContaining('http://pinecone-local:5080'),
        DATABASE_URL: expect.stringContaining('@postgres:5432/'),
        RAGTUNE_INGEST_MODE: 'queue',
      })
      expect(services[api]?.volumes).toContain('ragtune-uploads:/data/uploads')
      expect(services[api]?.ports).toBeUndefined()
    }
    expect(services.ingest?.command).toEqual(['worker', '--concurrency', '1'])
    expect(services.lb?.image).toMatch(/^caddy:/)
    expect(services.lb?.depends_on).toEqual({ 'api-1': { condition: 'service_healthy' }, 'api-2': { condition: 'service_healthy' } })
    const caddyfile = fs.readFileSync(path.join(root, 'deploy/Caddyfile'), 'utf8')
    expect(caddyfile).toMatch(/reverse_proxy api-1:3000 api-2:3000/)
    expect(caddyfile).toMatch(/health_uri \/readyz/)
  })

  it('the image checks /readyz on $PORT and the build context leaves local state out', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*process\.env\.PORT[\s\S]*\/readyz/)
    expect(dockerfile).toMatch(/RUN npm run build/)
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n')
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.tools', 'data', 'dist', '.env']))
  })
})
