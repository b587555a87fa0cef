// Documents: the table, a filter, uploads (drag and drop, per-file progress from each file's job),
// re-ingest as a new version, delete with confirmation.
import { html } from 'htm/preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, followJob, uploadFile } from './api.js'
import { ErrorNote, TableHead, period, reportTo, shortDate } from './common.js'

/** One file's way in: upload (bytes sent), then its job (queued → running with pages → done or failed). */
function useUploads(onFinished, report) {
  const [uploads, setUploads] = useState([])
  const patch = (key, change) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)))
  const start = async (file, fields = {}) => {
    const key = `${Date.now()}-${Math.random()}`
    setUploads((all) => [{ key, name: file.name, phase: 'uploading', sent: 0, pages: 0 }, ...all])
    try {
      const accepted = await uploadFile(file, fields, (sent) => patch(key, { sent }))
      patch(key, { phase: 'queued', sent: 1 })
      const job = await followJob(accepted.statusUrl, (j) => patch(key, { phase: j.status, pages: j.pagesDone }))
      const result = job.results[0]
      if (result?.status === 'failed' || job.status === 'failed') patch(key, { phase: 'failed', error: result?.error ?? job.error })
      else patch(key, { phase: 'done', result })
    } catch (err) {
      patch(key, { phase: 'failed', error: err })
      report(err)
    }
    onFinished()
  }
  return [uploads, start]
}

function UploadRow({ u }) {
  // Bytes sent fill the first fifth; the job (pages parsed) the rest, full when the file is in.
  const value = u.phase === 'uploading' ? u.sent * 20 : u.phase === 'queued' ? 20 : u.phase === 'running' ? 60 : 100
  const label =
    u.phase === 'uploading'
      ? `uploading ${Math.round(u.sent * 100)}%`
      : u.phase === 'running'
        ? `parsing, ${u.pages} pages`
        : u.phase === 'done'
          ? `${u.result?.status ?? 'done'}: ${u.result?.documentId ?? ''} v${u.result?.version ?? ''}, ${u.result?.pages ?? 0} pages, ${u.result?.chunks ?? 0} chunks`
          : u.phase
  return html`<li class=${`upload ${u.phase}`} data-file=${u.name} data-phase=${u.phase}>
    <span class="name">${u.name}</span>
    <progress max="100" value=${value} aria-label=${`${u.name}: ${label}`}></progress>
    <span class="status">${label}</span>
    ${u.error && html`<span class="error-code"><code>${u.error.code}</code> ${u.error.message}</span>`}
  </li>`
}

function DropZone({ onFiles }) {
  const input = useRef()
  const [over, setOver] = useState(false)
  const drop = (e) => {
    e.preventDefault()
    setOver(false)
    onFiles([...e.dataTransfer.files])
  }
  return html`<div
    class=${`dropzone ${over ? 'over' : ''}`}
    onDragOver=${(e) => {
      e.preventDefault()
      setOver(true)
    }}
    onDragLeave=${() => setOver(false)}
    onDrop=${drop}
  >
    <p>Drop PDF, HTML, Word, Excel/CSV, PowerPoint, text or Markdown files here, or</p>
    <button type="button" onClick=${() => input.current.click()}>Choose files…</button>
    <input
      ref=${input}
      id="file-input"
      type="file"
      multiple
      hidden
      onChange=${(e) => {
        onFiles([...e.target.files])
        e.target.value = ''
      }}
    />
  </div>`
}

function DocumentRow({ doc, onReingest, onDelete }) {
  const [confirming, setConfirming] = useState(false)
  const reingest = useRef()
  const m = doc.meta
  return html`<tr data-id=${doc.id}>
    <td data-label="Title">
      <a href=${`#/documents/${encodeURIComponent(doc.id)}`}>${m.title}</a>
      <div class="sub">${doc.id}</div>
    </td>
    <td data-label="Company">${m.company ?? ''}</td>
    <td data-label="Period">${period(m)}</td>
    <td data-label="Type">${m.docType ?? ''}</td>
    <td data-label="Version" class="num">v${doc.activeVersion}</td>
    <td data-label="Pages" class="num">${doc.pages}</td>
    <td data-label="Chunks" class="num">${doc.chunks}</td>
    <td data-label="Updated">${shortDate(doc.updatedAt)}</td>
    <td class="actions">
      <button type="button" onClick=${() => reingest.current.click()} title="Upload a new version of this document">Re-ingest</button>
      <input
        ref=${reingest}
        type="file"
        hidden
        onChange=${(e) => {
          const f = e.target.files[0]
          e.target.value = ''
          if (f) onReingest(f, doc.id)
        }}
      />
      ${
        confirming
          ? html`<span class="confirm" role="group" aria-label=${`Delete ${doc.id}?`}>
              <button type="button" class="danger" onClick=${() => onDelete(doc.id)}>Delete ${doc.id}</button>
              <button type="button" onClick=${() => setConfirming(false)}>Cancel</button>
            </span>`
          : html`<button type="button" onClick=${() => setConfirming(true)}>Delete</button>`
      }
    </td>
  </tr>`
}

export function DocumentsPage({ onAuthError }) {
  const [docs, setDocs] = useState(undefined)
  const [filter, setFilter] = useState('')
  const [error, setError] = useState(undefined)
  const report = reportTo(setError, onAuthError)
  const load = () =>
    api('/v1/documents').then((b) => {
      setDocs(b.documents)
      setError(undefined)
    }, report)
  useEffect(() => void load(), [])
  const [uploads, start] = useUploads(load, () => undefined)
  const onFiles = (files) => files.forEach((f) => void start(f))
  const remove = (id) => api(`/v1/documents/${encodeURIComponent(id)}`, { method: 'DELETE' }).then(load, report)
  const needle = filter.trim().toLowerCase()
  const shown = (docs ?? []).filter(
    (d) =>
      !needle ||
      [d.id, d.meta.title, d.meta.company, d.meta.docType, period(d.meta), d.sourceName].some((s) => s?.toLowerCase().includes(needle)),
  )
  return html`<section class="documents">
    <h1>Documents</h1>
    <${DropZone} onFiles=${onFiles} />
    ${
      uploads.length > 0 &&
      html`<ul class="uploads" aria-label="uploads" aria-live="polite">
        ${uploads.map((u) => html`<${UploadRow} key=${u.key} u=${u} />`)}
      </ul>`
    }
    <${ErrorNote} error=${error} />
    <div class="toolbar">
      <label for="doc-filter">Filter</label>
      <input
        id="doc-filter"
        type="search"
        placeholder="title, company, FY2023, 10-K…"
        value=${filter}
        onInput=${(e) => setFilter(e.target.value)}
      />
      <span class="count">${docs === undefined ? 'loading…' : `${shown.length} of ${docs.length}`}</span>
    </div>
    ${
      docs?.length === 0
        ? html`<p class="empty">No documents yet: drop some files above.</p>`
        : html`<table class="doc-table">
            <${TableHead} columns=${['Title', 'Company', 'Period', 'Type', 'Version', 'Pages', 'Chunks', 'Updated']} actions />
            <tbody>
              ${shown.map((d) => html`<${DocumentRow} key=${d.id} doc=${d} onReingest=${(f, id) => void start(f, { documentId: id })} onDelete=${remove} />`)}
            </tbody>
          </table>`
    }
  </section>`
}
