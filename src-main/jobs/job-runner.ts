import type { ProjectContext } from '../core/project-context'
import { busyTimeoutOf, mapProjectError } from '../db/project-errors'
import { jobHandlers } from './job-registry'
import type { JobName, JobOutcome, JobProgress, JobReports, JobRequest } from './job-types'
import { ProgressMeter } from './progress-meter'
import { defaultScoringDeps } from '../services/scoring/default-deps'
import type { ScoringDeps } from '../services/scoring/scoring-deps'

export interface RunOptions {
  signal?: AbortSignal
  /** Models and sessions for scoring jobs; defaults to the user's model store. */
  scoring?: ScoringDeps
  /** Called with each (throttled) progress update, besides the `jobs:progress` event. */
  onProgress?: (p: JobProgress & { rate: number | null; etaSeconds: number | null }) => void
}

export interface JobResult<N extends JobName = JobName> {
  jobId: number
  outcome: JobOutcome | 'cancelled'
  error: string | null
  report: JobReports[N] | null
}

/**
 * Runs one job to its end: records it, calls its single handler with an AbortSignal and a
 * progress callback, and stores the outcome. Work items carry their own step rows, so running
 * the same request again (resume) redoes only what is not done.
 */
export async function runJob<R extends JobRequest>(ctx: ProjectContext, request: R, opts: RunOptions = {}, existingJobId?: number): Promise<JobResult<R['name']>> {
  const jobId = existingJobId ?? ctx.repos.jobs.create(request.name, request.data)
  ctx.repos.jobs.markRunning(jobId)
  const meter = new ProgressMeter()
  let last: JobProgress = { done: 0, total: 0, unit: 'videos' }
  const emit = (status: 'running' | 'done' | 'failed' | 'cancelled', force: boolean) => {
    if (!meter.shouldEmit(force)) return
    const { rate, etaSeconds } = meter.update(last.done, last.total)
    ctx.repos.jobs.setProgress(jobId, last.done, last.total)
    ctx.bus.emit('jobs:progress', { jobId, name: request.name, status, ...last, rate, etaSeconds })
    opts.onProgress?.({ ...last, rate, etaSeconds })
  }
  const signal = opts.signal ?? new AbortController().signal
  // The request's name selects its handler; TypeScript cannot narrow a generic union here.
  const handler = jobHandlers[request.name] as (data: unknown, job: Parameters<(typeof jobHandlers)[JobName]>[1]) => Promise<{ outcome: JobOutcome; report: JobReports[R['name']] }>
  try {
    const { outcome, report } = await handler(request.data, {
      ctx,
      scoring: () => opts.scoring ?? defaultScoringDeps(),
      jobId,
      signal,
      progress(p) {
        last = p
        meter.update(p.done, p.total)
        emit('running', false)
      },
    })
    ctx.repos.jobs.finish(jobId, outcome === 'failed' ? 'failed' : 'done')
    emit(outcome === 'failed' ? 'failed' : 'done', true)
    return { jobId, outcome, error: null, report }
  } catch (err) {
    if (signal.aborted) {
      ctx.repos.jobs.finish(jobId, 'cancelled', 'cancelled by the user')
      emit('cancelled', true)
      return { jobId, outcome: 'cancelled', error: null, report: null }
    }
    // The row keeps the clear message (the Jobs panel and the CLI show it), not SQLite's text.
    const failure = mapProjectError(err, ctx.path, busyTimeoutOf(ctx.db))
    const message = failure instanceof Error ? failure.message : String(failure)
    ctx.repos.jobs.finish(jobId, 'failed', message)
    emit('failed', true)
    return { jobId, outcome: 'failed', error: message, report: null }
  }
}
