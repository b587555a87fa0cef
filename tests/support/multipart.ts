/** A multipart/form-data body for `app.inject`, encoded by the platform's own FormData as a browser or SDK would. */
export async function multipart(files: { name: string; data: Uint8Array | string }[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  for (const f of files) form.append('file', new Blob([f.data]), f.name)
  const res = new Response(form)
  return { payload: Buffer.from(await res.arrayBuffer()), headers: { 'content-type': res.headers.get('content-type') ?? '' } }
}
