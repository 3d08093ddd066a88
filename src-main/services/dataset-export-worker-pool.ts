import Database from 'better-sqlite3'
import { availableParallelism, cpus } from 'node:os'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { Db } from '../db/connection'
import type { BlockStats, RowInputs } from './dataset-export-blocks'
import type { ExportWorkerInit, FromExportWorker, ToExportWorker } from './dataset-export-worker'
import { datasetWorkerEntry } from './dataset-worker-entry'

/**
 * When and how the JSONL export formats on worker threads. Exported so tests can send a small
 * project through the worker path; nothing else changes these.
 */
export const exportThreading = {
  /** Below this many rows one thread is as fast: two workers cost ~0.5 s more CPU (start, YoutubeID tables). */
  minRows: 300_000,
  workers: 2,
  /** Ids per block handed to a worker (~9 MB of JSONL at InternVid's ~280 bytes a row). */
  blockIds: 32_768,
  /**
   * Workers only with a core to spare besides this thread: cores idle while this thread sleeps
   * through a short sample (below). In all they use ~40 % more CPU than one thread, which on a
   * busy machine comes out of other work and buys no time. 1M rows on 2 shared cores, same
   * process, alternating: at load ~2.8, 1.7–1.9 s wall on workers against 2.4–2.6 s on one
   * thread; at load ~2.6 once 3.3 s against 2.7 s; at load ~3.5–4, 3.4–3.8 s against 2.5–3.0 s.
   * The 1-minute load average decided this before, and it counts this process's own work: an
   * export right after a 20-s import saw load ~2 on 2 idle cores and stayed on one thread.
   */
  minIdleCores: 1.5,
  /** How long the idle sample takes (only for exports of at least minRows rows, i.e. seconds long). */
  idleSampleMs: 100,
  /** Blocks per worker formatted or waiting to be written, at most: memory stays flat. */
  inFlight: 2,
  /** How long the workers may take to start before the export goes on without them. */
  bootMs: 20_000,
  /** No word from any worker for this long fails the export (a worker that died silently). */
  stallMs: 120_000,
}

export class ExportWorkerError extends Error {}

/**
 * How many cores sat idle over the next `ms` milliseconds, from the OS's per-core counters (10 ms
 * ticks on Linux), with this thread asleep meanwhile so that only other work counts as busy.
 */
export function idleCores(ms: number): number {
  const before = cpus()
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  const after = cpus()
  if (before.length === 0 || after.length !== before.length) return 0
  return after.reduce((idle, c, i) => idle + (c.times.idle - before[i].times.idle), 0) / ms
}

interface Member {
  worker: Worker
  port: MessagePort
}

/**
 * The exporting thread's side of the parallel export, synchronous like exportDataset: it sleeps
 * on a shared word (Atomics.wait) and takes replies with receiveMessageOnPort, so the export
 * stays one read transaction on the caller's connection with no event-loop turns.
 */
export class ExportWorkerPool {
  private readonly signal = new Int32Array(new SharedArrayBuffer(4))
  private readonly members: Member[] = []

  private constructor(private readonly projectPath: string) {}

  /** Whether an export of up to `rows` rows should use workers now. */
  static worthIt(rows: number): boolean {
    if (rows < exportThreading.minRows || exportThreading.minIdleCores > availableParallelism()) return false
    return exportThreading.minIdleCores <= 0 || idleCores(exportThreading.idleSampleMs) >= exportThreading.minIdleCores
  }

  /** Workers started and connected, or null when there is no worker entry or they fail to start. */
  static start(projectPath: string): ExportWorkerPool | null {
    const entry = datasetWorkerEntry('dataset-export-worker')
    if (!entry) return null
    const pool = new ExportWorkerPool(projectPath)
    try {
      for (let i = 0; i < exportThreading.workers; i++) {
        const { port1, port2 } = new MessageChannel()
        const workerData: ExportWorkerInit = { projectPath, port: port2, signal: pool.signal.buffer as SharedArrayBuffer }
        const worker = new Worker(entry.file, { workerData, transferList: [port2], execArgv: entry.execArgv })
        // Errors come back as messages; this only keeps an unexpected one from crashing the process.
        worker.on('error', () => {})
        worker.unref()
        pool.members.push({ worker, port: port1 })
      }
      pool.expectAll('booted', exportThreading.bootMs)
      return pool
    } catch {
      pool.close(true)
      return null
    }
  }

  /**
   * Puts every worker in a read transaction on the snapshot `db`'s open transaction is about to
   * take. `db` must have begun a transaction and read nothing yet. A second connection holds the
   * write lock meanwhile (a few milliseconds), so no commit can land between the snapshots:
   * without SQLITE_ENABLE_SNAPSHOT this is how separate connections share one. False when the
   * lock is not to be had quickly (a long write elsewhere): then export on one thread.
   */
  alignSnapshot(db: Db, firstRead: () => void): boolean {
    let lock: Database.Database | null = null
    try {
      lock = new Database(this.projectPath, { fileMustExist: true })
      lock.pragma('busy_timeout = 1000')
      lock.exec('BEGIN IMMEDIATE')
    } catch {
      lock?.close()
      return false
    }
    try {
      if (!db.inTransaction) throw new Error('alignSnapshot needs an open transaction')
      firstRead()
      for (const m of this.members) this.send(m, { type: 'begin' })
      this.expectAll('ready', exportThreading.bootMs)
      return true
    } finally {
      lock.exec('ROLLBACK')
      lock.close()
    }
  }

  /** What to export; `rows` is how many (it decides how the workers look up YoutubeIDs). */
  setup(cond: string, params: (string | number)[], inputs: RowInputs, rows: number): void {
    // InternVid rows are ~280 bytes: room for 384 a row spares most blocks a grow-and-copy.
    const blockBytes = exportThreading.blockIds * 384
    for (const m of this.members) this.send(m, { type: 'setup', cond, params, inputs, rows, blockBytes })
  }

  /**
   * Formats the id ranges on the workers, round robin, and hands each block to `write` in range
   * order. A worker gets a new range only when one of its blocks has been written, so at most
   * workers × inFlight blocks exist at any time; written buffers go back to be filled again.
   */
  run(ranges: Iterator<[number, number]>, write: (bytes: Uint8Array, stats: BlockStats) => void): void {
    const owner: number[] = []
    const done = new Map<number, Extract<FromExportWorker, { type: 'block' }>>()
    const spare: ArrayBuffer[] = []
    let assigned = 0
    let written = 0
    const assign = (w: number) => {
      const r = ranges.next()
      if (r.done) return
      const buffer = spare.pop() ?? null
      owner[assigned] = w
      this.send(this.members[w], { type: 'block', seq: assigned++, from: r.value[0], to: r.value[1], buffer }, buffer ? [buffer] : [])
    }
    for (let k = 0; k < exportThreading.inFlight; k++) for (let w = 0; w < this.members.length; w++) assign(w)
    while (written < assigned) {
      const { message } = this.receive(exportThreading.stallMs)
      if (message.type !== 'block') throw new ExportWorkerError(`export worker: unexpected ${message.type}`)
      done.set(message.seq, message)
      for (let b = done.get(written); b; b = done.get(written)) {
        done.delete(written)
        write(b.bytes, b.stats)
        spare.push(b.bytes.buffer as ArrayBuffer)
        assign(owner[written++])
      }
    }
  }

  /** Ends the workers' transactions and threads; `now` stops them mid-block (after an error). */
  close(now = false): void {
    for (const m of this.members) {
      try {
        if (now) void m.worker.terminate()
        else m.port.postMessage({ type: 'close' } satisfies ToExportWorker)
      } finally {
        m.port.close()
      }
    }
    this.members.length = 0
  }

  private send(m: Member, message: ToExportWorker, transfer: ArrayBuffer[] = []): void {
    m.port.postMessage(message, transfer)
  }

  /** One message of `type` from every worker, in whatever order they come. */
  private expectAll(type: FromExportWorker['type'], timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs
    const waiting = new Set(this.members.keys())
    while (waiting.size > 0) {
      const { member, message } = this.receive(deadline - Date.now())
      if (message.type !== type || !waiting.delete(member)) throw new ExportWorkerError(`export worker ${member}: expected ${type}, got ${message.type}`)
    }
  }

  /** The next message from any worker; an error reply or a silence past `timeoutMs` throws. */
  private receive(timeoutMs: number): { member: number; message: FromExportWorker } {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const seen = Atomics.load(this.signal, 0)
      for (let i = 0; i < this.members.length; i++) {
        const got = receiveMessageOnPort(this.members[i].port)
        if (!got) continue
        const message = got.message as FromExportWorker
        if (message.type === 'error') throw new ExportWorkerError(message.message)
        return { member: i, message }
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new ExportWorkerError(`export workers silent for ${Math.round(timeoutMs / 1000)} s`)
      // Every worker reply bumps the word after posting: a reply that lands after the polls above
      // changes it, and the wait returns at once.
      Atomics.wait(this.signal, 0, seen, left)
    }
  }
}
