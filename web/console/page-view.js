// A page of a kept version: its image (PDFs) with a passage highlighted from the page's word boxes,
// or its text (other formats). Used beside an answer and on a document's page.
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { api, blobUrl } from './api.js'
import { ErrorNote } from './common.js'

const norm = (w) => w.toLowerCase().replace(/[^\p{L}\p{N}.%$]/gu, '')

/**
 * Word boxes of the longest run of the passage's words found in order on the page: the passage may
 * start mid-page or carry an ellipsis, so it is matched word by word rather than as one string.
 */
export function highlightBoxes(words, passage) {
  const want = passage.split(/\s+/).map(norm).filter(Boolean)
  const have = words.map((w) => norm(w[4]))
  let best = { start: 0, len: 0, at: 0 }
  for (let i = 0; i < have.length; i++) {
    for (let j = 0; j < want.length; j++) {
      let k = 0
      while (i + k < have.length && j + k < want.length && have[i + k] && have[i + k] === want[j + k]) k++
      if (k > best.len) best = { start: i, len: k, at: j }
    }
  }
  // Fewer than three words in a row is chance, not the passage.
  return best.len >= Math.min(3, want.length) ? words.slice(best.start, best.start + best.len) : []
}

export function PageView({ documentId, version, page, passage = '', width = 900 }) {
  const [image, setImage] = useState(undefined)
  const [text, setText] = useState(undefined)
  const [boxes, setBoxes] = useState({ width: 1, height: 1, marks: [] })
  const [error, setError] = useState(undefined)
  const base = `/v1/documents/${encodeURIComponent(documentId)}/versions/${version}/pages/${page}`
  useEffect(() => {
    const abort = new AbortController()
    let url
    setImage(undefined)
    setError(undefined)
    setBoxes({ width: 1, height: 1, marks: [] })
    api(base, { signal: abort.signal })
      .then(async (p) => {
        setText(p.text)
        if (!p.imageUrl) return
        url = await blobUrl(`${p.imageUrl}&width=${width}`, abort.signal)
        setImage(url)
        if (passage) {
          const w = await api(`${base}?format=words`, { signal: abort.signal })
          setBoxes({ width: w.width, height: w.height, marks: highlightBoxes(w.words, passage) })
        }
      })
      .catch((err) => err.name !== 'AbortError' && setError(err))
    return () => {
      abort.abort()
      if (url) URL.revokeObjectURL(url)
    }
  }, [base, passage, width])
  return html`<figure class="page-view" data-page=${page}>
    <${ErrorNote} error=${error} />
    ${
      image
        ? html`<div class="page-image">
            <img src=${image} alt=${`page ${page} of ${documentId} v${version}`} />
            ${boxes.marks.map((b) => html`<span class="hl" style=${`left:${(b[0] / boxes.width) * 100}%;top:${(b[1] / boxes.height) * 100}%;width:${((b[2] - b[0]) / boxes.width) * 100}%;height:${((b[3] - b[1]) / boxes.height) * 100}%`}></span>`)}
          </div>`
        : text !== undefined && !error && html`<pre class="page-text">${text}</pre>`
    }
    <figcaption>${documentId} v${version}, p. ${page}${boxes.marks.length > 0 ? ' — cited passage highlighted' : ''}</figcaption>
  </figure>`
}
