// Voices: the voices a reader may pick, fine-tuning jobs with live status, and activation (whose
// evaluation gate answers with its verdict when it refuses).
import { html } from 'htm/preact'
import { useState } from 'preact/hooks'
import { api } from './api.js'
import { ErrorNote, TableHead, reportTo, shortDate, usePoll } from './common.js'

const RUNNING = new Set(['validating_files', 'queued', 'running'])

export function VoicesPage({ onAuthError }) {
  const [voices, setVoices] = useState(undefined)
  const [jobs, setJobs] = useState(undefined)
  const [error, setError] = useState(undefined)
  const [note, setNote] = useState(undefined)
  const report = reportTo(setError, onAuthError)
  const load = async () => {
    await Promise.all([
      api('/v1/models').then((b) => setVoices(b.data), report),
      api('/v1/finetunes').then(
        (b) => setJobs(b.finetunes),
        (err) => (err.status === 404 ? setJobs([]) : report(err)),
      ),
    ])
  }
  // Live while a job is still training; one load otherwise.
  const live = jobs === undefined || jobs.some((j) => RUNNING.has(j.status))
  usePoll(load, 3000, live)
  const activate = async (id, force = false) => {
    setNote(undefined)
    try {
      const r = await api(`/v1/models/${encodeURIComponent(id)}/activate`, { method: 'POST', body: force ? { force } : {} })
      setNote({ ok: true, text: `${r.id} is active from the next request on.` })
      await load()
    } catch (err) {
      // The gate's message carries the evaluation that failed it.
      setNote({ ok: false, id, code: err.code, text: err.message })
    }
  }
  return html`<section class="voices">
    <h1>Voices</h1>
    <${ErrorNote} error=${error} />
    ${
      note &&
      html`<div class=${`note ${note.ok ? 'ok' : 'warn'}`} role="status">
        ${note.code && html`<code>${note.code}</code> `}${note.text}
        ${!note.ok && note.code === 'activation_refused' && html` <button type="button" onClick=${() => activate(note.id, true)}>Activate anyway</button>`}
      </div>`
    }
    <table class="voice-table">
      <${TableHead} columns=${['Voice', 'Kind', 'Registered']} actions />
      <tbody>
        ${(voices ?? []).map(
          (v) =>
            html`<tr key=${v.id}>
              <td data-label="Voice">${v.id}</td>
              <td data-label="Kind">${v.owned_by.replace(/^ragtune:?/, '') || 'default'}</td>
              <td data-label="Registered">${shortDate(new Date(v.created * 1000).toISOString())}</td>
              <td class="actions">
                ${v.id !== 'ragtune' && html`<button type="button" onClick=${() => activate(v.id)}>Activate</button>`}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Fine-tuning jobs ${live && jobs?.length ? html`<span class="live">live</span>` : ''}</h2>
    ${jobs?.length === 0 && html`<p class="empty">No fine-tuning jobs. Start one with <code>ragtune finetune run</code> or POST /v1/finetunes.</p>`}
    ${
      jobs?.length > 0 &&
      html`<table class="job-table">
        <${TableHead} columns=${['Job', 'Voice', 'Base model', 'Status', 'Model', 'Updated']} />
        <tbody>
          ${jobs.map(
            (j) =>
              html`<tr key=${j.id}>
                <td data-label="Job">${j.id}</td>
                <td data-label="Voice">${j.voiceName ?? ''}</td>
                <td data-label="Base model">${j.baseModel}</td>
                <td data-label="Status">
                  <span class=${`status ${j.status}`}>${j.status}</span>${j.error && html` <code>${j.error.code}</code>`}
                </td>
                <td data-label="Model">${j.fineTunedModel ?? ''}</td>
                <td data-label="Updated">${shortDate(j.updatedAt)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
  </section>`
}
