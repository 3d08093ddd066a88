import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { ApiEventName, ApiEvents, JobDto, JobRequest } from '../api/contract'
import { ApiError } from '../api/errors'
import { appRoot } from '../core/app-paths'
import { workerOpenCheck, type ProjectContext } from '../core/project-context'
import type { JobRow } from '../db/repositories/job.repository'
import { interruptOrphanedJobs } from './job-owners'
import type { WorkerInput, WorkerMessage } from './job-worker'

/**
 * The worker entry next to this module: the .js bundle in Electron, or the .ts source, which
 * then needs tsx's loader in the worker too (test runners do not pass theirs on to workers).
 */
function workerEntry(): { file: string; execArgv?: string[] } {
  const js = join(__dirname, 'job-worker.js')
  if (existsSync(js)) return { file: js }
  const tsx = join(appRoot(), 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs')
  const inherited = process.execArgv.some((a) => a.includes('tsx'))
  return { file: join(__dirname, 'job-worker.ts'), execArgv: inherited ? undefined : [...process.execArgv, '--require', tsx] }
}

export const toJobDto = (r: JobRow): JobDto => ({
  id: r.id,
  name: r.name,
  status: r.status,
  done: r.done,
  total: r.total,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
})

/**
 * Runs jobs for the UI transports in worker threads, one worker per job, and relays their
 * events. At most one job per name runs at a time: two ingests of one project would race.
 */
export class JobHost {
  private readonly running = new Map<number, { worker: Worker; name: string; done: Promise<void> }>()

  constructor(private readonly ctx: ProjectContext) {}

  start(request: JobRequest): number {
    for (const r of this.running.values()) {
      if (r.name === request.name) throw new ApiError('conflict', `a ${request.name} job is already running`)
    }
    const jobId = this.ctx.repos.jobs.create(request.name, request.data)
    const input: WorkerInput = { projectPath: this.ctx.path, jobId, request, check: workerOpenCheck(this.ctx) }
    const entry = workerEntry()
    const worker = new Worker(entry.file, { workerData: input, execArgv: entry.execArgv })
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'event') this.ctx.bus.emit(m.name as ApiEventName, m.payload as ApiEvents[ApiEventName])
      })
      worker.on('error', (err) => {
        this.ctx.repos.jobs.finish(jobId, 'failed', `worker crashed: ${err.message}`)
        this.ctx.bus.emit('jobs:progress', { jobId, name: request.name, status: 'failed', done: 0, total: 0, unit: 'videos', rate: null, etaSeconds: null, detail: err.message })
      })
      worker.on('exit', () => {
        this.running.delete(jobId)
        resolve()
      })
    })
    this.running.set(jobId, { worker, name: request.name, done })
    return jobId
  }

  cancel(jobId: number): boolean {
    const r = this.running.get(jobId)
    if (!r) return false
    r.worker.postMessage({ type: 'cancel' })
    return true
  }

  list(limit = 50): JobDto[] {
    // A CLI job on this project may have been killed since the project was opened here.
    interruptOrphanedJobs(this.ctx.repos.jobs, this.ctx.db)
    return this.ctx.repos.jobs.recent(limit).map(toJobDto)
  }

  /** Resolves when the job's worker has exited (tests, clean shutdown). */
  async settled(jobId: number): Promise<void> {
    await this.running.get(jobId)?.done
  }

  async close(): Promise<void> {
    for (const [id, r] of this.running) {
      this.cancel(id)
      await r.done
    }
  }
}
