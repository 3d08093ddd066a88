/**
 * Worker-thread entry of the parallel JSONL export: formats id ranges of the selected rows into
 * UTF-8 bytes on its own read-only connection and hands each block back whole; the exporting
 * thread hashes and writes the blocks in id order (dataset-export-worker-pool.ts). The exporting
 * thread waits synchronously (exportDataset is synchronous), so every reply is followed by a
 * bump of the shared signal word that it sleeps on.
 */
import { workerData, type MessagePort } from 'node:worker_threads'
import { openProjectDb, type Db } from '../db/connection'
import { createDatasetExportRepository } from '../db/repositories/dataset.repository'
import { JsonlBlockFormatter, prefixTableFor, type BlockStats, type RowInputs } from './dataset-export-blocks'
import { JsonlByteWriter } from './dataset-export-jsonl-bytes'

export interface ExportWorkerInit {
  projectPath: string
  port: MessagePort
  /** Int32 slot 0: incremented after every message to the exporting thread. */
  signal: SharedArrayBuffer
}

export type ToExportWorker =
  | { type: 'begin' }
  /** `blockBytes`: the first buffer's size; buffers grow for longer rows and are reused after. */
  | { type: 'setup'; cond: string; params: (string | number)[]; inputs: RowInputs; rows: number; blockBytes: number }
  | { type: 'block'; seq: number; from: number; to: number; buffer: ArrayBuffer | null }
  | { type: 'close' }

export type FromExportWorker =
  | { type: 'booted' }
  | { type: 'ready' }
  | { type: 'block'; seq: number; bytes: Uint8Array; stats: BlockStats }
  | { type: 'error'; message: string }

/** Rows per read inside a block: one all() per 4096 ids, as the in-thread export reads. */
const READ_SPAN = 4096

if (workerData && (workerData as Partial<ExportWorkerInit>).port) {
  const { projectPath, port, signal } = workerData as ExportWorkerInit
  const wake = new Int32Array(signal)
  const post = (m: FromExportWorker, transfer: ArrayBuffer[] = []) => {
    port.postMessage(m, transfer)
    Atomics.add(wake, 0, 1)
    Atomics.notify(wake, 0)
  }
  let db: Db | null = null
  let repo: ReturnType<typeof createDatasetExportRepository> | null = null
  let formatter: JsonlBlockFormatter | null = null
  let query: { cond: string; params: (string | number)[]; status: boolean } | null = null
  let blockBytes = 1 << 23
  let failed = false

  const handle = (m: ToExportWorker): void => {
    if (m.type === 'begin') {
      // Called while the exporting thread holds the project's write lock: this read transaction
      // sees exactly the snapshot the exporting thread's transaction sees.
      db!.exec('BEGIN')
      db!.prepare('SELECT max(id) FROM clips').get()
      post({ type: 'ready' })
    } else if (m.type === 'setup') {
      repo = createDatasetExportRepository(db!)
      formatter = new JsonlBlockFormatter(m.inputs, prefixTableFor(repo, m.rows, m.inputs.maxVideoId))
      query = { cond: m.cond, params: m.params, status: m.inputs.decisions !== null }
      blockBytes = m.blockBytes
    } else if (m.type === 'block') {
      const f = formatter!
      const writer = (f.writer = new JsonlByteWriter(blockBytes, m.buffer ?? undefined))
      f.seek(m.from)
      const { cond, params, status } = query!
      for (const rows of repo!.rowBlocks(cond, params, { span: READ_SPAN, fromId: m.from, toId: m.to, status })) {
        f.add(rows)
        if (f.exhausted) break
      }
      const stats = f.takeStats()
      const bytes = writer.buf.subarray(0, writer.pos)
      post({ type: 'block', seq: m.seq, bytes, stats }, [bytes.buffer as ArrayBuffer, stats.durations.buffer as ArrayBuffer, stats.newVideos.buffer as ArrayBuffer])
    } else {
      close()
    }
  }
  const close = () => {
    try {
      db?.close()
    } finally {
      db = null
      port.close()
    }
  }
  // The exporting thread closes its end when it is done or gives up: end the transaction then.
  port.on('close', close)
  port.on('message', (m: ToExportWorker) => {
    if (failed && m.type !== 'close') return
    try {
      handle(m)
    } catch (err) {
      failed = true
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
    }
  })
  try {
    // The exporting process checked the file when it opened the project: no integrity pass here.
    db = openProjectDb(projectPath, { readonly: true, check: 'off' })
    post({ type: 'booted' })
  } catch (err) {
    failed = true
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  }
}
