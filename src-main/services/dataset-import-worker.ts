/**
 * Worker-thread entry: reads and validates an annotation file and posts ParsedBatch values to the
 * importing thread, which writes one batch while this thread parses the next (reading, JSON
 * parsing and validation are ~3.5 s of a 1M-row bulk import's ~29 s of CPU, hidden this way).
 * At most IN_FLIGHT batches wait unacknowledged, so memory stays flat however far the writer
 * falls behind.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { MAX_LINE_CHARS } from './dataset-annotation'
import { BatchBuilder } from './dataset-import-batch'
import type { ParseWorkerInput, ParseWorkerMessage } from './dataset-import-source'
import { readLineChunks } from './dataset-line-reader'

const IN_FLIGHT = 2

if (parentPort) {
  const port = parentPort
  const input = workerData as ParseWorkerInput
  let credits = IN_FLIGHT
  let wake: (() => void) | null = null
  port.on('message', (m: unknown) => {
    if (m !== 'credit') return
    credits++
    wake?.()
    wake = null
  })
  // The port stays referenced (it is what wakes a worker waiting for credit); the importing
  // thread terminates this worker when it has the last batch or gives up.
  const builder = new BatchBuilder(input.rows, input.keepTimestampText)
  const send = async () => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve))
    credits--
    const batch = builder.take()
    port.postMessage({ type: 'batch', batch } satisfies ParseWorkerMessage, [batch.line.buffer, batch.num.buffer])
  }
  const run = async () => {
    for await (const lines of readLineChunks(input.file, { maxChars: MAX_LINE_CHARS })) {
      builder.add(lines)
      if (builder.full) await send()
    }
    if (builder.size > 0) await send()
  }
  run()
    .then(() => port.postMessage({ type: 'done' } satisfies ParseWorkerMessage))
    .catch((err: unknown) => {
      const e = err as NodeJS.ErrnoException
      port.postMessage({ type: 'error', message: e?.message ?? String(err), code: e?.code } satisfies ParseWorkerMessage)
    })
}
