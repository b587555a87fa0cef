import OpenAI from 'openai'
import type { EmbeddingModel } from '../core/models.js'
import { AppError } from '../errors.js'
import { translateModelCallError } from './openai-errors.js'
import { openAIClient } from './openai-client.js'
import { embeddingBatchSize, embeddingModelId, type OpenAIEmbeddingsOptions } from './openai-embeddings-options.js'

/**
 * EmbeddingModel on the `openai` SDK for any OpenAI-compatible endpoint (OpenAI, Azure, TEI, Ollama,
 * vLLM). Retries are the SDK's: 408/409/429/5xx and connection errors with exponential backoff,
 * honouring `retry-after`/`retry-after-ms` up to 60 s (openai/client.js `retryRequest`), stopped by the
 * caller's AbortSignal. Vectors are L2-normalised so cosine distance works whatever the server returns.
 * `dimensions` is learned from the first response when not configured.
 */
export function createOpenAIEmbeddings(options: OpenAIEmbeddingsOptions): EmbeddingModel {
  // The SDK asks for base64 on the wire and decodes it when no encoding_format is given.
  const client = openAIClient(options)
  let dimensions = options.dimensions ?? 0
  const maxBatchSize = embeddingBatchSize(options)
  const askDimensions = options.dimensions !== undefined && options.model.startsWith('text-embedding-3')

  async function embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    if (texts.length === 0) return []
    const out: Float32Array[] = []
    for (let i = 0; i < texts.length; i += maxBatchSize) {
      const batch = texts.slice(i, i + maxBatchSize)
      let res: OpenAI.CreateEmbeddingResponse
      try {
        res = await client.embeddings.create(
          {
            model: options.model,
            // Empty strings are rejected by OpenAI; a single space embeds as "nothing".
            input: batch.map((t) => (t.length === 0 ? ' ' : t)),
            ...(askDimensions && options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
          },
          signal === undefined ? {} : { signal },
        )
      } catch (err) {
        throw translateModelCallError(err, 'the embedding call')
      }
      const data = [...res.data].sort((a, b) => a.index - b.index)
      if (data.length !== batch.length) {
        throw new AppError('upstream_error', `the embedding endpoint returned ${data.length} vectors for ${batch.length} inputs`, {
          status: 502,
          retryable: true,
        })
      }
      for (const d of data) {
        const v = normalise(Float32Array.from(d.embedding))
        if (dimensions === 0) dimensions = v.length
        if (v.length !== dimensions) {
          throw new AppError(
            'embedding_dimensions_mismatch',
            `the model returned ${v.length}-dimensional vectors, expected ${dimensions}; fix RAGTUNE_EMBEDDING_DIMENSIONS`,
            { status: 502 },
          )
        }
        out.push(v)
      }
    }
    return out
  }

  return {
    id: embeddingModelId(options),
    get dimensions() {
      return dimensions
    },
    maxBatchSize,
    embedDocuments: (texts, signal) => embed(texts, signal),
    async embedQuery(text, signal) {
      const [v] = await embed([text], signal)
      if (v === undefined)
        throw new AppError('upstream_error', 'the embedding endpoint returned no vector', { status: 502, retryable: true })
      return v
    },
  }
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0
  for (const x of v) sum += x * x
  const norm = Math.sqrt(sum)
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm
  return v
}
