import { Worker } from 'node:worker_threads'
import { MAX_LINE_CHARS } from './dataset-annotation'
import { BatchBuilder, type ParsedBatch } from './dataset-import-batch'
import { readLineChunks } from './dataset-line-reader'
import { datasetWorkerEntry } from './dataset-worker-entry'

export interface ParseWorkerInput {
  file: string
  rows: number
  keepTimestampText: boolean
}

export type ParseWorkerMessage =
  | { type: 'batch'; batch: ParsedBatch }
  | { type: 'done' }
  | { type: 'error'; message: string; code?: string }

export interface SourceOptions {
  /** Rows (valid or rejected) per batch. */
  rows: number
  keepTimestampText: boolean
  /** Parse in a worker thread, overlapping parsing with the caller's writes. */
  worker: boolean
}

/** Validated batches of `file`, in line order, parsed inline or in a worker thread. */
export function parsedBatches(file: string, opts: SourceOptions): AsyncGenerator<ParsedBatch> {
  const entry = opts.worker ? datasetWorkerEntry('dataset-import-worker') : null
  return entry ? fromWorker(entry, { file, rows: opts.rows, keepTimestampText: opts.keepTimestampText }) : inline(file, opts)
}

async function* inline(file: string, opts: SourceOptions): AsyncGenerator<ParsedBatch> {
  const builder = new BatchBuilder(opts.rows, opts.keepTimestampText)
  for await (const lines of readLineChunks(file, { maxChars: MAX_LINE_CHARS })) {
    builder.add(lines)
    if (builder.full) yield builder.take()
  }
  if (builder.size > 0) yield builder.take()
}

async function* fromWorker(entry: { file: string; execArgv?: string[] }, input: ParseWorkerInput): AsyncGenerator<ParsedBatch> {
  const worker = new Worker(entry.file, { workerData: input, execArgv: entry.execArgv })
  const queue: ParseWorkerMessage[] = []
  let wake: (() => void) | null = null
  const push = (m: ParseWorkerMessage) => {
    queue.push(m)
    wake?.()
    wake = null
  }
  worker.on('message', push)
  worker.on('error', (err) => push({ type: 'error', message: `parse worker failed: ${err.message}` }))
  worker.on('exit', (code) => push({ type: 'error', message: `parse worker exited early (code ${code})` }))
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      const m = queue.shift()!
      if (m.type === 'done') return
      if (m.type === 'error') throw Object.assign(new Error(m.message), m.code ? { code: m.code } : {})
      // Acknowledge before the caller writes this batch, so the worker parses the next meanwhile.
      worker.postMessage('credit')
      yield m.batch
    }
  } finally {
    worker.removeAllListeners('exit')
    await worker.terminate()
  }
}
