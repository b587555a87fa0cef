// Small pieces every page uses.
import { html } from 'htm/preact'
import { useEffect, useRef } from 'preact/hooks'

/** An error as the reader sees it: the server's stable code, then what to do. */
export function ErrorNote({ error }) {
  if (!error) return null
  return html`<p class="error" role="alert"><code>${error.code ?? 'error'}</code> ${error.message}</p>`
}

/** A table's header row, one cell a column; `actions` adds a last column (row buttons) named for screen readers only. */
export const TableHead = ({ columns, actions = false }) =>
  html`<thead>
    <tr>
      ${columns.map((c) => html`<th key=${c}>${c}</th>`)}${actions && html`<th><span class="sr-only">Actions</span></th>`}
    </tr>
  </thead>`

/** The period a document covers: "FY2023", "FY2023 Q1". */
export const period = (meta) =>
  [meta.fiscalYear && `FY${meta.fiscalYear}`, meta.fiscalQuarter && `Q${meta.fiscalQuarter}`].filter(Boolean).join(' ')

export const shortDate = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '')

/** Runs `fn` every `ms` while `active`, and once at once. */
export function usePoll(fn, ms, active) {
  const saved = useRef(fn)
  saved.current = fn
  useEffect(() => {
    if (!active) return undefined
    void saved.current()
    const t = setInterval(() => void saved.current(), ms)
    return () => clearInterval(t)
  }, [ms, active])
}

/** Calls `onAuthError` for a 401/403 and hands any error to `setError`. */
export const reportTo = (setError, onAuthError) => (err) => {
  if (err?.status === 401 || err?.status === 403) onAuthError?.()
  setError(err)
}
