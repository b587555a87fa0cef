// The console's shell: navigation by URL hash (#/documents, #/documents/ID, #/ask, #/voices), the API
// key form, and one place that shows an error with its code.
import { html, render } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { getKey, setKey } from './api.js'
import { DocumentsPage } from './documents.js'
import { DocumentPage } from './document.js'
import { AskPage } from './ask.js'
import { VoicesPage } from './voices.js'

const parseHash = () => {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  return { page: parts[0] || 'documents', id: parts[1] }
}

function KeyForm({ onDone }) {
  const [value, setValue] = useState(getKey())
  const save = (e) => {
    e.preventDefault()
    setKey(value.trim())
    onDone()
  }
  return html`<form class="key-form" onSubmit=${save}>
    <label for="api-key">API key</label>
    <input
      id="api-key"
      type="password"
      autocomplete="off"
      placeholder="rt_… (none needed on loopback without keys)"
      value=${value}
      onInput=${(e) => setValue(e.target.value)}
    />
    <button type="submit">Save for this tab</button>
  </form>`
}

function App() {
  const [route, setRoute] = useState(parseHash())
  const [askingKey, setAskingKey] = useState(false)
  // A new key remounts the page, so it loads again with the key.
  const [keyVersion, bump] = useState(0)
  useEffect(() => {
    const onHash = () => setRoute(parseHash())
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])
  // Any 401 from a page brings up the key form.
  const onAuthError = () => setAskingKey(true)
  const tab = (page, label) =>
    html`<a href=${`#/${page}`} class=${route.page === page ? 'active' : ''} aria-current=${route.page === page ? 'page' : undefined}
      >${label}</a
    >`
  const pages = {
    documents: () =>
      route.id
        ? html`<${DocumentPage} id=${route.id} onAuthError=${onAuthError} />`
        : html`<${DocumentsPage} onAuthError=${onAuthError} />`,
    ask: () => html`<${AskPage} onAuthError=${onAuthError} />`,
    voices: () => html`<${VoicesPage} onAuthError=${onAuthError} />`,
  }
  return html`
    <header class="top">
      <a class="brand" href="#/documents">ragtune</a>
      <nav aria-label="main">${tab('documents', 'Documents')}${tab('ask', 'Ask')}${tab('voices', 'Voices')}</nav>
      <button class="link" onClick=${() => setAskingKey(!askingKey)} aria-expanded=${askingKey}>${getKey() ? 'Key set' : 'API key'}</button>
    </header>
    ${
      askingKey &&
      html`<${KeyForm}
        onDone=${() => {
          setAskingKey(false)
          bump((n) => n + 1)
        }}
      />`
    }
    <main key=${keyVersion}>${(pages[route.page] ?? pages.documents)()}</main>
  `
}

const root = document.getElementById('root')
root.textContent = ''
render(html`<${App} />`, root)
