// Calls to ragtune's own HTTP API. The key is entered once and kept in sessionStorage (gone with the
// tab); with no key the calls go out bare, which the server accepts in open mode on loopback.

const KEY = 'ragtune.key'

export const getKey = () => sessionStorage.getItem(KEY) ?? ''
export const setKey = (key) => (key ? sessionStorage.setItem(KEY, key) : sessionStorage.removeItem(KEY))

const authHeaders = (extra = {}) => {
  const key = getKey()
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

async function toError(res) {
  const body = await res.json().catch(() => undefined)
  return new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? res.statusText)
}

/** JSON in, JSON out; non-2xx answers throw an ApiError with the server's stable code. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const res = await fetch(path, {
    method,
    headers: authHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  })
  if (!res.ok) throw await toError(res)
  return res.json()
}

/** Polls an ingestion job until it ends (polling, not SSE: a job changes a few times a second at most). */
export async function followJob(statusUrl, onUpdate) {
  for (;;) {
    const job = await api(statusUrl)
    onUpdate?.(job)
    if (job.status === 'succeeded' || job.status === 'failed') return job
    await new Promise((r) => setTimeout(r, 400))
  }
}

/** A protected file (page image, original) as an object URL, since <img src> cannot send the key. */
export async function blobUrl(path, signal) {
  const res = await fetch(path, { headers: authHeaders(), signal })
  if (!res.ok) throw await toError(res)
  return URL.createObjectURL(await res.blob())
}

/**
 * POST /v1/documents with one file; XMLHttpRequest because fetch reports no upload progress.
 * Resolves to the 202 body ({jobId, statusUrl}).
 */
export function uploadFile(file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData()
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    form.append('file', file, file.name)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/v1/documents')
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      let body
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = undefined
      }
      if (xhr.status === 202) resolve(body)
      else reject(new ApiError(xhr.status, body?.error?.code ?? `http_${xhr.status}`, body?.error?.message ?? xhr.statusText))
    }
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload did not reach the server'))
    xhr.send(form)
  })
}

/** POST /v1/ask with stream: true, yielding {event, data} from the server-sent events. */
export async function* askStream(body, signal) {
  const res = await fetch('/v1/ask', {
    method: 'POST',
    headers: authHeaders({ 'content-type': 'application/json', accept: 'text/event-stream' }),
    body: JSON.stringify({ ...body, stream: true }),
    signal,
  })
  if (!res.ok) throw await toError(res)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      const data = []
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data.push(line.slice(6))
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) }
    }
  }
}
