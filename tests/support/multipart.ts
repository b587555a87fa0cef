import type { FastifyInstance } from 'fastify'

export interface UploadFile {
  name: string
  data: Uint8Array | string
}

/** A multipart/form-data body for `app.inject`, encoded by the platform's own FormData as a browser or SDK would. */
export async function multipart(files: UploadFile[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  for (const f of files) form.append('file', new Blob([f.data]), f.name)
  const res = new Response(form)
  return { payload: Buffer.from(await res.arrayBuffer()), headers: { 'content-type': res.headers.get('content-type') ?? '' } }
}

/** `POST /v1/documents` with these files and form fields as a multipart body (plus any extra headers, e.g. a bearer key). */
export async function postDocuments(
  app: FastifyInstance,
  files: UploadFile[],
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  const body = await multipart(files, fields)
  return app.inject({ method: 'POST', url: '/v1/documents', payload: body.payload, headers: { ...body.headers, ...headers } })
}

export interface IngestionJob {
  status: string
  results: Record<string, unknown>[]
  [field: string]: unknown
}

/** Polls `GET /v1/ingestions/:id` until the job has succeeded or failed; throws when it has not after `tries` polls. */
export async function waitForIngestion(
  app: FastifyInstance,
  jobId: string,
  { everyMs = 50, tries = 600 }: { everyMs?: number; tries?: number } = {},
): Promise<IngestionJob> {
  for (let i = 0; i < tries; i++) {
    const job = (await app.inject({ method: 'GET', url: `/v1/ingestions/${jobId}` })).json<IngestionJob>()
    if (job.status === 'succeeded' || job.status === 'failed') return job
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(`ingestion ${jobId} did not finish after ${tries} polls`)
}
