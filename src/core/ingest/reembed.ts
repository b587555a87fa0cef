import type { Logger } from '../../logger.js'
import { AppError } from '../../errors.js'
import type { Corpus } from '../corpus.js'
import type { DocumentSummary } from '../documents.js'
import type { EmbeddingModel } from '../models.js'
import { embedChunks } from './ingest-pipeline.js'

export interface ReembedEvent {
  readonly documentId: string
  /** replaced: vectors written; current: already this model's; moved: re-ingested meanwhile, left alone */
  readonly status: 'replaced' | 'current' | 'moved'
  readonly version: number
  readonly chunks: number
}

/** Documents whose vectors are not (all) the configured model's: what `ragtune reembed` would do. */
export function staleEmbeddings(docs: readonly DocumentSummary[], model: string | undefined): DocumentSummary[] {
  return model === undefined ? [] : docs.filter((d) => d.chunks > 0 && d.embeddingModel !== model)
}

/**
 * Gives the active version of each document vectors from `embedder`, without a new version: the chunks
 * stay as they are, only their vectors are replaced. Resumable: a document whose vectors are already this
 * model's is skipped, and vectors come from the embedding cache by chunk hash before the model is asked.
 */
export async function reembed(
  deps: { corpus: Corpus; embedder: EmbeddingModel; logger: Logger },
  options: { documentIds?: readonly string[]; signal?: AbortSignal; onEvent?: (e: ReembedEvent) => void } = {},
): Promise<ReembedEvent[]> {
  const { corpus, embedder } = deps
  if (corpus.replaceEmbeddings === undefined) {
    throw new AppError('not_supported', `the ${corpus.kind} store cannot replace vectors in place; re-ingest the documents instead`, {
      status: 501,
    })
  }
  const all = await corpus.listDocuments()
  const wanted =
    options.documentIds === undefined
      ? all
      : options.documentIds.map((id) => {
          const doc = all.find((d) => d.id === id)
          if (doc === undefined)
            throw new AppError('document_not_found', `no document "${id}"; "ragtune documents list" shows them`, { status: 404 })
          return doc
        })
  const events: ReembedEvent[] = []
  const emit = (e: ReembedEvent): void => {
    events.push(e)
    options.onEvent?.(e)
  }
  for (const doc of wanted) {
    options.signal?.throwIfAborted()
    if (staleEmbeddings([doc], embedder.id).length === 0) {
      emit({ documentId: doc.id, status: 'current', version: doc.activeVersion, chunks: doc.chunks })
      continue
    }
    const hits = await corpus.getChunks(
      doc.id,
      Array.from({ length: doc.chunks }, (_, i) => i),
    )
    const chunks = hits.filter((h) => h.version === doc.activeVersion).map((h) => h.chunk)
    if (chunks.length !== doc.chunks) {
      emit({ documentId: doc.id, status: 'moved', version: doc.activeVersion, chunks: doc.chunks })
      continue
    }
    const { vectors } = await embedChunks(deps, embedder, chunks, options.signal)
    const done = await corpus.replaceEmbeddings({
      documentId: doc.id,
      version: doc.activeVersion,
      model: embedder.id,
      vectors,
      hashes: chunks.map((c) => c.hash),
    })
    emit({ documentId: doc.id, status: done ? 'replaced' : 'moved', version: doc.activeVersion, chunks: chunks.length })
  }
  return events
}
