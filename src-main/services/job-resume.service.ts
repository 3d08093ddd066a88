import type { JobRequest } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { checkExportJob, checkImportJob } from './dataset-jobs.service'

/**
 * The request a job row was started with, checked again as a new request would be (a row may
 * come from an older version, and an export's folder may be gone since). Resuming re-runs it:
 * each job skips the work items its step rows mark done, so it continues where it stopped.
 */
export function storedJobRequest(ctx: ProjectContext, jobId: number, check: (request: unknown) => JobRequest): JobRequest {
  const row = ctx.repos.jobs.get(jobId)
  if (!row) throw new ApiError('not_found', `job ${jobId} does not exist`)
  let data: unknown
  try {
    data = JSON.parse(row.params_json)
  } catch {
    throw new ApiError('bad_request', `job ${jobId} has an unreadable request`)
  }
  if (row.name === 'import') return { name: 'import', data: checkImportJob(data) }
  if (row.name === 'export') return { name: 'export', data: checkExportJob(ctx, data) }
  return check({ name: row.name, data })
}
