import fs from 'node:fs'
import { parseCliArgs, requiredFlags, writeJson, writeLine, type CliContext } from './context.js'
import { AppError } from '../errors.js'
import { createHybridRetriever } from '../core/retrieval/hybrid-retriever.js'
import { firstEvidenceRank, summariseRanks } from '../core/retrieval/evidence-recall.js'
import { readEvalQuestions } from './eval-questions.js'
import { withEvalStore } from './eval-store.js'
import { checkCollectionName } from '../core/collections.js'
import { firstLineIsChatFormat, runChatEval } from './eval-chat.js'

const USAGE = 'ragtune eval retrieval --questions FILE.jsonl --pdfs DIR [--json] [--details] [--store DIR] [--collection NAME]'

const HELP = `usage: ${USAGE}

Ingests every PDF under DIR into one shared temporary store (BM25 only, no model), asks every question
of FILE.jsonl (FinanceBench format: question, doc_name, evidence[].evidence_page_num, 0-based) and
reports evidence-page recall@1/3/5/10 and MRR. A file in the chat format (lines with "needs", see
eval/README.md) runs the chat evaluation instead: the share of questions whose sources cover every
needed document, and for questions no document serves, whether the answer says so.

Metric: the retriever returns up to 10 sources, de-duplicated (one per document page; a source is the
chunks of one page, a page or so long). A question is found at rank r when the r-th source comes from
the question's document (the PDF named doc_name) and its page span contains an evidence page
(PDF page = evidence_page_num + 1). recall@k = share of questions found at rank <= k; MRR = mean of
1/r, 0 when not found in the top 10. Questions whose PDF is missing count as not found.

  --json      print JSON lines; the last is {"questions":N,"recall":{"1":x,"3":x,"5":x,"10":x},"mrr":x}
  --details   also print one line per question (rank, document, evidence pages, retrieved pages)
  --store DIR keep the store in DIR and reuse it on the next run (unchanged PDFs are not parsed again);
              without it a fresh temporary store is ingested and deleted afterwards`

const TOP_K = 10

/** `ragtune eval retrieval …` */
export async function evalRetrieval(ctx: CliContext): Promise<number> {
  const { values } = parseCliArgs(
    ctx,
    {
      questions: { type: 'string' },
      pdfs: { type: 'string' },
      json: { type: 'boolean' },
      details: { type: 'boolean' },
      store: { type: 'string' },
      collection: { type: 'string' },
    },
    USAGE,
    HELP,
  )
  const json = values.json === true
  const { questions: questionsFile, pdfs: pdfDir } = requiredFlags(values, ['questions', 'pdfs'], USAGE)
  if (!fs.existsSync(pdfDir) || !fs.statSync(pdfDir).isDirectory()) {
    throw new AppError('not_found', `--pdfs ${pdfDir} is not a directory; point it at the folder holding the PDFs`, { status: 404 })
  }
  const storeDir = typeof values.store === 'string' ? values.store : undefined
  if (firstLineIsChatFormat(questionsFile)) {
    return runChatEval(ctx, { questionsFile, pdfDir, storeDir, json, details: values.details === true })
  }
  const { questions, problems } = readEvalQuestions(questionsFile)
  for (const p of problems) {
    if (json) writeJson(ctx.stdout, { type: 'question-skipped', line: p.line, error: { code: p.code, message: p.message } })
    else writeLine(ctx.stderr, `ragtune: ${questionsFile}:${p.line}: ${p.message} [${p.code}]`)
  }

  const collection = typeof values.collection === 'string' ? checkCollectionName(values.collection) : undefined
  return withEvalStore(ctx, { pdfDir, storeDir, json, collection }, async ({ corpus, logger, idByStem, failed }) => {
    const retriever = createHybridRetriever({ corpus, logger })
    const ranks: (number | undefined)[] = []
    const latencies: number[] = []
    const routing = { right: 0, wrong: 0, none: 0 }
    for (const q of questions) {
      const documentId = idByStem.get(q.docName)
      const started = performance.now()
      const retrieval = await retriever.retrieve(q.question, {
        topK: TOP_K,
        ...(collection === undefined ? {} : { collections: [collection] }),
      })
      latencies.push(performance.now() - started)
      const rank = documentId === undefined ? undefined : firstEvidenceRank({ documentId, pages: q.pages }, retrieval.sources)
      ranks.push(rank)
      const routed = retrieval.route.documentIds
      if (routed === undefined) routing.none++
      else if (documentId !== undefined && routed.includes(documentId)) routing.right++
      else routing.wrong++
      if (values.details === true) {
        const detail = {
          type: 'question',
          line: q.line,
          rank: rank ?? null,
          document: q.docName,
          evidencePages: q.pages,
          route: retrieval.route.reason ?? null,
          retrieved: retrieval.sources.map((s) => `${s.documentId}:${s.pageStart}${s.pageEnd === s.pageStart ? '' : `-${s.pageEnd}`}`),
        }
        if (json) writeJson(ctx.stdout, detail)
        else
          writeLine(
            ctx.stdout,
            `${String(rank ?? '-').padStart(2)}  ${q.docName}  p${q.pages.join(',')}  ← ${detail.retrieved.slice(0, 5).join(' ')}`,
          )
      }
    }
    const report = summariseRanks(ranks, [1, 3, 5, 10])
    const sorted = [...latencies].sort((a, b) => a - b)
    const pct = (p: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10
    if (json) {
      writeJson(ctx.stdout, { type: 'routing', ...routing })
      writeJson(ctx.stdout, { type: 'latency', p50Ms: pct(0.5), p99Ms: pct(0.99) })
      writeJson(ctx.stdout, report)
    } else {
      writeLine(ctx.stdout, `\n${report.questions} questions, evidence-page retrieval (BM25 only, no model)`)
      writeLine(ctx.stdout, '   k  recall@k')
      for (const [k, v] of Object.entries(report.recall)) writeLine(ctx.stdout, `${k.padStart(4)}  ${v.toFixed(3)}`)
      writeLine(ctx.stdout, ` MRR  ${report.mrr.toFixed(3)}`)
      writeLine(
        ctx.stdout,
        `routing: ${routing.right} to a set holding the right document, ${routing.wrong} elsewhere, ${routing.none} not routed`,
      )
      writeLine(ctx.stdout, `retrieval latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`)
    }
    return failed > 0 || problems.length > 0 ? 1 : 0
  })
}
