import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { DensityGrid, DensityQuery, Histogram, HistogramQuery, KeepRate } from '../../api/contract'
import { ApiError, type ApiErrorCode } from '../../api/errors'
import { appRoot } from '../../core/app-paths'
import type { ProjectContext } from '../../core/project-context'
import { checkDensityQuery } from '../density.service'
import { checkHistogramQuery, checkScope, clipStatsFor } from '../filter.service'
import { StatsCancelled } from './clip-stats'
import { busyTimeoutOf, mapProjectError } from '../../db/project-errors'
import { runStatsJob, statsErrorReply, type StatsJob, type StatsJobBody, type StatsReply, type StatsWorkerInput } from './stats-jobs'

/** The worker entry beside this module: the .js bundle in Electron, else the .ts source via tsx (as job-host does). */
function workerEntry(): { file: string; execArgv?: string[] } {
  const js = join(__dirname, 'stats-worker.js')
  if (existsSync(js)) return { file: js }
  const tsx = join(appRoot(), 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs')
  const inherited = process.execArgv.some((a) => a.includes('tsx'))
  return { file: join(__dirname, 'stats-worker.ts'), execArgv: inherited ? undefined : [...process.execArgv, '--require', tsx] }
}

interface Pending {
  id: number
  body: StatsJobBody
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
  signal?: AbortSignal
  onAbort?: () => void
}

export interface StatsHostOptions {
  /** A worker idle this long is stopped (its connection and caches go with it). */
  idleMs?: number
  /** Compute on the project's own connection instead of a worker (fallback; tests). */
  inProcess?: boolean
}

const cancelled = () => new ApiError('unavailable', 'statistics request cancelled: its client went away or a newer filter superseded it')
/** Workers that die this many times in a row are given up for in-process statistics. */
const MAX_FAILURES = 3

/**
 * Filter statistics for the API, off the event loop: requests queue here and run one at a time
 * in a worker thread with its own read-only connection, so `clips:list` (answered on the main
 * connection) never waits behind a histogram. A request whose signal aborts (its HTTP client
 * disconnected: the renderer aborts superseded filters) is dropped if still queued, or stopped
 * inside its pass if running.
 */
export class StatsHost {
  private worker: Worker | null = null
  private failures = 0
  private lastError: string | null = null
  private readonly queue: Pending[] = []
  private running: Pending | null = null
  private readonly stopBuffer = new SharedArrayBuffer(4)
  private readonly stopSlot = new Int32Array(this.stopBuffer)
  private nextId = 1
  private idleTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly ctx: ProjectContext,
    private readonly opts: StatsHostOptions = {},
  ) {}

  // async: a bad argument rejects like every other failure of a request.
  async histogram(q: HistogramQuery, signal?: AbortSignal): Promise<Histogram> {
    const c = checkHistogramQuery(q)
    return this.submit({ kind: 'histogram', ...c }, signal) as Promise<Histogram>
  }

  async keepRate(args: { status?: unknown; filters?: unknown }, signal?: AbortSignal): Promise<KeepRate> {
    return this.submit({ kind: 'keepRate', scope: checkScope(args) }, signal) as Promise<KeepRate>
  }

  async density(q: DensityQuery, signal?: AbortSignal): Promise<DensityGrid> {
    const c = checkDensityQuery(q)
    return this.submit({ kind: 'density', ...c }, signal) as Promise<DensityGrid>
  }

  /** Requests waiting or running (tests, diagnostics). */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0)
  }

  /** Stops the worker; waiting requests are rejected. A later request starts a new worker. */
  async close(): Promise<void> {
    for (const p of this.queue.splice(0)) this.settle(p, cancelled())
    if (this.running) this.settle(this.running, cancelled())
    this.running = null
    this.clearIdle()
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }

  private submit(body: StatsJobBody, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(cancelled())
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++, body, resolve, reject, signal }
      if (signal) {
        p.onAbort = () => this.abort(p)
        signal.addEventListener('abort', p.onAbort, { once: true })
      }
      this.queue.push(p)
      this.pump()
    })
  }

  private abort(p: Pending): void {
    const i = this.queue.indexOf(p)
    if (i >= 0) {
      this.queue.splice(i, 1)
      this.settle(p, cancelled())
    } else if (this.running === p) {
      // The pass polls this slot; the worker then answers `cancelled` and the queue moves on.
      Atomics.store(this.stopSlot, 0, p.id)
    }
  }

  private settle(p: Pending, error: unknown, value?: unknown): void {
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort)
    if (error) p.reject(error)
    else p.resolve(value)
  }

  private pump(): void {
    if (this.running) return
    let next: Pending | undefined
    while ((next = this.queue.shift()) && next.signal?.aborted) this.settle(next, cancelled())
    if (!next) return this.rest()
    const p = next
    this.clearIdle()
    this.running = p
    const worker = this.opts.inProcess || this.failures >= MAX_FAILURES ? null : this.ensureWorker()
    if (!worker) {
      setImmediate(() => this.runInProcess(p))
      return
    }
    worker.ref()
    worker.postMessage({ id: p.id, ...p.body } satisfies StatsJob)
  }

  private runInProcess(p: Pending): void {
    try {
      const result = runStatsJob(clipStatsFor(this.ctx.db), p.body, () => p.signal?.aborted === true)
      this.finish(p, { id: p.id, ok: true, result })
    } catch (err) {
      if (err instanceof StatsCancelled) this.finish(p, { id: p.id, ok: false, cancelled: true })
      // The same mapping as the worker's, so both paths answer a SQLite failure alike.
      else this.finish(p, { id: p.id, ok: false, error: statsErrorReply(err, this.ctx.path, this.ctx.db) }, mapProjectError(err, this.ctx.path, busyTimeoutOf(this.ctx.db)))
    }
  }

  private finish(p: Pending, reply: StatsReply, raw?: unknown): void {
    if (this.running !== p) return
    this.running = null
    if (reply.ok) this.settle(p, null, reply.result)
    else if ('cancelled' in reply) this.settle(p, cancelled())
    else this.settle(p, raw ?? new ApiError(reply.error.code as ApiErrorCode, reply.error.message))
    this.pump()
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker
    const entry = workerEntry()
    let worker: Worker
    try {
      const input: StatsWorkerInput = { projectPath: this.ctx.path, stop: this.stopBuffer }
      worker = new Worker(entry.file, { workerData: input, execArgv: entry.execArgv })
    } catch (err) {
      this.failures++
      process.emitWarning(`statistics worker could not start (${(err as Error).message}); computing in process`)
      return null
    }
    worker.on('message', (reply: StatsReply) => {
      const p = this.running
      if (!p || p.id !== reply.id) return
      this.failures = 0
      this.finish(p, reply)
    })
    worker.on('error', (err) => {
      this.lastError = err.message
    })
    worker.on('exit', () => {
      // A worker stopped by close() was replaced already; its request was settled there.
      if (this.worker !== worker) return
      this.worker = null
      // Died with a request on it (crash, startup failure): try again, in process once the
      // worker has failed often enough, so the queue never stalls on a broken worker.
      const p = this.running
      if (!p) return
      this.running = null
      if (++this.failures === MAX_FAILURES) process.emitWarning(`statistics worker keeps exiting (${this.lastError ?? 'no error'}); computing in process from now on`)
      this.queue.unshift(p)
      this.pump()
    })
    this.worker = worker
    return worker
  }

  /** Nothing to do: the worker may not keep the process alive, and goes after a quiet while. */
  private rest(): void {
    Atomics.store(this.stopSlot, 0, 0)
    this.worker?.unref()
    this.clearIdle()
    if (!this.worker) return
    this.idleTimer = setTimeout(() => void this.close(), this.opts.idleMs ?? 5 * 60_000)
    this.idleTimer.unref()
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }
}

const hosts = new WeakMap<ProjectContext, StatsHost>()

/** One statistics host (one worker) per open project, shared by every transport's handlers. */
export function statsHostFor(ctx: ProjectContext): StatsHost {
  let h = hosts.get(ctx)
  if (!h) hosts.set(ctx, (h = new StatsHost(ctx)))
  return h
}

export async function closeStatsHost(ctx: ProjectContext): Promise<void> {
  await hosts.get(ctx)?.close()
}
