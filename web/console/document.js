// One document: its metadata (editable: a correction is re-ingested as a new version), its kept
// versions with their originals, and a page with the chunks found on it.
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { api, blobUrl, followJob } from './api.js'
import { ErrorNote, TableHead, period, reportTo, shortDate } from './common.js'
import { PageView } from './page-view.js'

const FIELDS = [
  ['title', 'Title', 'text'],
  ['company', 'Company', 'text'],
  ['fiscalYear', 'Fiscal year', 'number'],
  ['fiscalQuarter', 'Quarter', 'number'],
  ['docType', 'Type', 'text'],
]

function MetaForm({ doc, onSaved, report }) {
  const [values, setValues] = useState({})
  const [state, setState] = useState('')
  useEffect(() => setValues(Object.fromEntries(FIELDS.map(([k]) => [k, doc.meta[k] ?? '']))), [doc])
  const save = async (e) => {
    e.preventDefault()
    const body = {}
    for (const [k, , type] of FIELDS) {
      const v = String(values[k]).trim()
      if (v !== '' && v !== String(doc.meta[k] ?? '')) body[k] = type === 'number' ? Number(v) : v
    }
    if (Object.keys(body).length === 0) return setState('nothing changed')
    try {
      setState('re-ingesting as a new version…')
      const { statusUrl } = await api(`/v1/documents/${encodeURIComponent(doc.id)}`, { method: 'PATCH', body })
      const job = await followJob(statusUrl)
      setState(job.status === 'failed' ? `failed: ${job.results[0]?.error?.code ?? job.error?.code}` : 'saved as a new version')
      onSaved()
    } catch (err) {
      setState('')
      report(err)
    }
  }
  return html`<form class="meta-form" onSubmit=${save}>
    ${FIELDS.map(([k, label, type]) => html`<label>${label}<input name=${k} type=${type} value=${values[k] ?? ''} onInput=${(e) => setValues({ ...values, [k]: e.target.value })} /></label>`)}
    <div class="row"><button type="submit">Save metadata</button><span class="status" aria-live="polite">${state}</span></div>
  </form>`
}

export function DocumentPage({ id, onAuthError }) {
  const [doc, setDoc] = useState(undefined)
  const [versions, setVersions] = useState([])
  const [page, setPage] = useState(1)
  const [chunks, setChunks] = useState([])
  const [error, setError] = useState(undefined)
  const report = reportTo(setError, onAuthError)
  const enc = encodeURIComponent(id)
  const load = () => {
    api(`/v1/documents/${enc}`).then(setDoc, report)
    api(`/v1/documents/${enc}/versions`).then((b) => setVersions(b.versions), report)
  }
  useEffect(load, [id])
  useEffect(
    () => void api(`/v1/documents/${enc}/chunks?page=${page}`).then((b) => setChunks(b.chunks), report),
    [id, page, doc?.activeVersion],
  )
  const open = (v) => blobUrl(v.fileUrl).then((url) => window.open(url, '_blank', 'noopener'), report)
  if (!doc) return html`<section><${ErrorNote} error=${error} />${!error && html`<p>Loading…</p>`}</section>`
  const active = versions.find((v) => v.version === doc.activeVersion)
  return html`<section class="document">
    <p><a href="#/documents">← Documents</a></p>
    <h1>${doc.meta.title}</h1>
    <p class="sub">
      ${doc.id} · v${doc.activeVersion} · ${[doc.meta.company, period(doc.meta), doc.meta.docType].filter(Boolean).join(' · ')} ·
      ${doc.pages} pages, ${doc.chunks} chunks
    </p>
    <${ErrorNote} error=${error} />
    <div class="columns">
      <div>
        <h2>Metadata</h2>
        <${MetaForm} doc=${doc} onSaved=${load} report=${report} />
        <h2>Versions</h2>
        <table class="versions">
          <${TableHead} columns=${['Version', 'File', 'Size', 'Kept']} />
          <tbody>
            ${versions.map(
              (v) =>
                html`<tr key=${v.version}>
                  <td>v${v.version}${v.version === doc.activeVersion ? ' (active)' : ''}</td>
                  <td><button class="link" onClick=${() => open(v)}>${v.sourceName}</button></td>
                  <td class="num">${(v.size / 1024).toFixed(0)} KB</td>
                  <td>${shortDate(v.createdAt)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${versions.length === 0 && html`<p class="empty">No original kept (ingested before originals were kept).</p>`}
      </div>
      <div>
        <h2>Pages</h2>
        <div class="pager">
          <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)} aria-label="previous page">‹</button>
          <label
            >Page
            <input
              type="number"
              min="1"
              max=${doc.pages}
              value=${page}
              onChange=${(e) => setPage(Math.min(doc.pages, Math.max(1, Number(e.target.value) || 1)))}
            />
            of ${doc.pages}</label
          >
          <button type="button" disabled=${page >= doc.pages} onClick=${() => setPage(page + 1)} aria-label="next page">›</button>
        </div>
        ${active && html`<${PageView} documentId=${doc.id} version=${active.version} page=${page} width=${700} />`}
        <h3>Chunks on page ${page}</h3>
        <ol class="chunks">
          ${chunks.map(
            (c) =>
              html`<li key=${c.ordinal}>
                <div class="sub">
                  #${c.ordinal} · p. ${c.pageStart}${c.pageEnd > c.pageStart ? `–${c.pageEnd}` : ''} · ${c.tokens}
                  tokens${c.sectionPath.length ? ` · ${c.sectionPath.join(' › ')}` : ''}
                </div>
                <p>${c.text}</p>
              </li>`,
          )}
        </ol>
      </div>
    </div>
  </section>`
}
