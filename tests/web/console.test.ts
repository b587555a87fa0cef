import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDeps, closeDeps, type BuiltDeps } from '../../src/deps.js'
import { openFineTuneService, type FineTuneServiceHandle } from '../../finetune/finetune-composition.js'
import { makeReportPdf, randomBytes } from '../support/pdf-fixtures.js'

/**
 * The console in a real browser (Debian's chromium, driven by playwright-core) against a listening
 * server on a temporary store. Every wait is on a condition in the page, never on time. Screenshots of
 * each page at 1280 px and 390 px go to test-output/screenshots/ (a CI artifact).
 */
const CHROMIUM = process.env.RAGTUNE_CHROMIUM ?? '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const SHOTS = path.resolve('test-output/screenshots')
const WIDTHS = { wide: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const

describe('web console in Chromium', () => {
  let dir: string
  let deps: BuiltDeps
  let app: FastifyInstance
  let base: string
  let browser: Browser
  let fineTune: FineTuneServiceHandle | undefined
  const contexts: Partial<Record<keyof typeof WIDTHS, BrowserContext>> = {}
  const files: Record<string, string> = {}
  const pageErrors: string[] = []

  const open = async (width: keyof typeof WIDTHS, hash: string): Promise<Page> => {
    const context = (contexts[width] ??= await browser.newContext({ viewport: WIDTHS[width] }))
    let page = context.pages()[0]
    if (page === undefined) {
      page = await context.newPage()
      // A script error in the console fails the test that caused it.
      page.on('pageerror', (err) => pageErrors.push(`${width}: ${err.message}`))
    }
    await page.goto(`${base}/#/${hash}`)
    return page
  }
  const shot = async (page: Page, name: string, width: keyof typeof WIDTHS): Promise<void> => {
    await page.screenshot({ path: path.join(SHOTS, `${name}-${WIDTHS[width].width}.png`), fullPage: true })
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragtune-console-'))
    deps = await buildDeps(loadConfig({ RAGTUNE_DATA_DIR: path.join(dir, 'data'), RAGTUNE_INGEST_WORKERS: '1' }), pino({ level: 'silent' }))
    // Fine-tuning is composed in by the server's entry point (src/ never imports finetune/); so here.
    fineTune = openFineTuneService(deps)
    app = await buildApp({ ...deps, finetunes: fineTune.service })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    fs.mkdirSync(SHOTS, { recursive: true })
    const write = (name: string, data: Buffer): void => {
      files[name] = path.join(dir, name)
      fs.writeFileSync(files[name], data)
    }
    write('ACME_2023_10K.pdf', await makeReportPdf({ pages: 4 }))
    write('GLOBEX_2022_10K.pdf', await makeReportPdf({ pages: 3, edition: 'second' }))
    write('broken.pdf', randomBytes(5000))
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  })
  afterEach(() => {
    expect(pageErrors).toEqual([])
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await fineTune?.close()
    if (deps !== undefined) await closeDeps(deps)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('uploads two PDFs, shows each file’s progress to done, then lists them', async () => {
    const page = await open('wide', 'documents')
    await page.getByText('No documents yet').waitFor()
    await page.locator('#file-input').setInputFiles([files['ACME_2023_10K.pdf']!, files['GLOBEX_2022_10K.pdf']!])
    for (const name of ['ACME_2023_10K.pdf', 'GLOBEX_2022_10K.pdf']) {
      const row = page.locator(`li.upload[data-file="${name}"]`)
      await row.and(page.locator('[data-phase="done"]')).waitFor()
      expect(await row.locator('progress').getAttribute('value')).toBe('100')
      expect(await row.locator('.status').textContent()).toMatch(/^ingested: .* v1, \d+ pages, \d+ chunks$/)
    }
    await page.locator('tr[data-id="acme_2023_10k"]').waitFor()
    await page.locator('tr[data-id="globex_2022_10k"]').waitFor()
    expect(await page.locator('tr[data-id="acme_2023_10k"] td[data-label="Pages"]').textContent()).toBe('4')
    expect(await page.locator('tr[data-id="acme_2023_10k"] td[data-label="Type"]').textContent()).toBe('10-K')
    // The filter narrows the table.
    await page.locator('#doc-filter').fill('globex')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1)
    await page.locator('#doc-filter').fill('')
    await shot(page, 'documents', 'wide')
  })

  it('shows the error code of a bad file dropped on the page, and keeps the other documents', async () => {
    const page = await open('wide', 'documents')
    await page.locator('tr[data-id="acme_2023_10k"]').waitFor()
    // Dropped on the drop zone, as a reader drags a file from their desktop.
    const bytes = fs.readFileSync(files['broken.pdf']!).toString('base64')
    const dropped = await page.evaluateHandle(`(() => {
      const data = new DataTransfer()
      data.items.add(new File([Uint8Array.from(atob('${bytes}'), (c) => c.charCodeAt(0))], 'broken.pdf', { type: 'application/pdf' }))
      return data
    })()`)
    await page.dispatchEvent('.dropzone', 'drop', { dataTransfer: dropped })
    const row = page.locator('li.upload[data-file="broken.pdf"][data-phase="failed"]')
    await row.waitFor()
    expect(await row.locator('.error-code code').textContent()).toBe('invalid_pdf')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2)
    await shot(page, 'documents-bad-upload', 'wide')
  })

  it('asks a question, streams the answer, and a citation chip opens the cited page image with the passage highlighted', async () => {
    for (const width of ['wide', 'phone'] as const) {
      const page = await open(width, 'ask')
      await page.locator('select option', { hasText: 'ragtune' }).waitFor({ state: 'attached' })
      await page.locator('#question').fill('What were Acme total net sales by segment in 2023?')
      await page.locator('#question').press('Enter')
      const chip = page.locator('.turn').last().locator('.chip').first()
      await chip.waitFor()
      await chip.click()
      const image = page.locator('.source .page-image img')
      await image.waitFor()
      // tsconfig has no DOM lib: the element is typed by the two fields read.
      await expect
        .poll(() =>
          image.evaluate((img) =>
            (img as unknown as { complete: boolean }).complete ? (img as unknown as { naturalWidth: number }).naturalWidth : 0,
          ),
        )
        .toBeGreaterThan(0)
      await page.locator('.source .hl').first().waitFor()
      expect(await page.locator('.source figcaption').textContent()).toMatch(/p\. \d+ — cited passage highlighted/)
      await shot(page, 'ask', width)
    }
  })

  it('keeps the conversation in the browser across a reload', async () => {
    const page = await open('wide', 'ask')
    await page.locator('.turn').first().waitFor()
    expect(await page.locator('.turn .question').first().textContent()).toContain('total net sales')
  })

  it('shows a document with its versions, metadata form, page image and the chunks on the page', async () => {
    for (const width of ['wide', 'phone'] as const) {
      const page = await open(width, 'documents/acme_2023_10k')
      await page.locator('table.versions td', { hasText: 'v1 (active)' }).waitFor()
      await page.locator('.page-view .page-image img').waitFor()
      await page.locator('ol.chunks li').first().waitFor()
      expect(await page.locator('.meta-form input[name="docType"]').inputValue()).toBe('10-K')
      await shot(page, 'document', width)
    }
  })

  it('corrects a document’s metadata, which becomes a new version', async () => {
    const page = await open('wide', 'documents/acme_2023_10k')
    const company = page.locator('.meta-form input[name="company"]')
    await company.fill('Acme Widgets Inc.')
    await company.press('Enter')
    await page.locator('.meta-form .status', { hasText: 'saved as a new version' }).waitFor()
    await page.locator('table.versions td', { hasText: 'v2 (active)' }).waitFor()
    expect(await page.locator('p.sub').first().textContent()).toContain('Acme Widgets Inc.')
    expect((await deps.corpus.getDocument('acme_2023_10k'))?.meta.company).toBe('Acme Widgets Inc.')
  })

  it('shows voices, refuses to activate one its evaluation fails with the reason, and activates it when told to', async () => {
    // A fine-tuned voice evaluated worse than its base (as `ragtune models eval` records it).
    await deps.registry.upsert({
      id: 'buffett-ft',
      provider: 'openai',
      model: 'ft:gpt-4o-mini:buffett',
      baseModel: 'gpt-4o-mini',
      baseURL: null,
      datasetHash: null,
      jobId: null,
      status: 'ready',
    })
    await deps.registry.setEvaluation('buffett-ft', {
      evaluatedAt: new Date().toISOString(),
      prompts: 12,
      voiceScore: { base: 0.7, tuned: 0.4 },
      flags: { base: 1, tuned: 1 },
    })
    const page = await open('wide', 'voices')
    const row = page.locator('.voice-table tr', { hasText: 'buffett-ft' })
    await row.getByRole('button', { name: 'Activate' }).click()
    const refused = page.locator('.note.warn', { hasText: 'activation_refused' })
    await refused.waitFor()
    expect(await refused.textContent()).toContain('voice score 0.400 is below the base model')
    await shot(page, 'voices', 'wide')
    await refused.getByRole('button', { name: 'Activate anyway' }).click()
    await page.locator('.note.ok', { hasText: 'buffett-ft is active' }).waitFor()
    expect((await deps.registry.active())?.id).toBe('buffett-ft')
    await deps.registry.deactivateAll()
    const phone = await open('phone', 'voices')
    await phone.locator('.voice-table td', { hasText: 'buffett-ft' }).waitFor()
    await phone.getByText('No fine-tuning jobs').waitFor()
    await shot(phone, 'voices', 'phone')
  })

  it('shows the documents page at phone width', async () => {
    const page = await open('phone', 'documents')
    await page.locator('tr[data-id="globex_2022_10k"]').waitFor()
    await shot(page, 'documents', 'phone')
  })

  it('deletes a document after a confirmation, from the keyboard', async () => {
    const page = await open('wide', 'documents')
    const row = page.locator('tr[data-id="globex_2022_10k"]')
    await row.getByRole('button', { name: 'Delete', exact: true }).focus()
    await page.keyboard.press('Enter')
    await row.getByRole('button', { name: 'Delete globex_2022_10k' }).focus()
    await page.keyboard.press('Enter')
    await row.waitFor({ state: 'detached' })
    expect(await page.locator('tr[data-id="acme_2023_10k"]').count()).toBe(1)
    expect((await deps.corpus.listDocuments()).map((d) => d.id)).toEqual(['acme_2023_10k'])
  })

  it('asks for the API key once a key exists, keeps it for the tab, and sends it with every call', async () => {
    const { key } = await deps.keys.create({ scope: 'admin', name: 'console-test' })
    const page = await open('wide', 'documents')
    await page.reload()
    // The first call is refused: the key form comes up with the error's code.
    await page.locator('.error code', { hasText: 'unauthorized' }).waitFor()
    await page.locator('#api-key').fill(key)
    await page.locator('#api-key').press('Enter')
    await page.locator('tr[data-id="acme_2023_10k"]').waitFor()
    // Kept in sessionStorage: a reload needs no new entry, and the protected page image loads with it.
    await page.reload()
    await page.locator('tr[data-id="acme_2023_10k"]').waitFor()
    await page.goto(`${base}/#/ask`)
    await page.locator('.turn .chip').first().click()
    const image = page.locator('.source .page-image img')
    await image.waitFor()
    expect(await image.getAttribute('src')).toMatch(/^blob:/)
  })
})
