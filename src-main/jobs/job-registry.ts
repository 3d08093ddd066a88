import { runExportJob, runImportJob } from '../services/dataset-jobs.service'
import { runCaptionJob } from '../services/captioning/caption-job'
import { ingestPaths } from '../services/ingest.service'
import { runModelInstallJob, runModelVerifyJob } from '../services/model-jobs.service'
import { runAestheticStage } from '../services/scoring/aesthetic.stage'
import { runSimilarityStage } from '../services/scoring/similarity.stage'
import type { JobHandlers } from './job-types'

/** One handler per job name; the mapped type makes a missing handler a compile error. */
export const jobHandlers: JobHandlers = {
  async ingest(data, job) {
    const report = await ingestPaths(job.ctx, data.paths, {
      recursive: data.recursive,
      signal: job.signal,
      onProgress: (p) => job.progress({ done: p.framesDone, total: p.framesTotal, unit: 'frames', detail: `${p.phase}: ${p.path}` }),
    })
    const nothing = report.videos_ok + report.videos_skipped === 0 && report.videos_failed.length > 0
    return { outcome: nothing ? 'failed' : 'done', report }
  },
  async caption(data, job) {
    return runCaptionJob(job.ctx, job.scoring, data, job.signal, (p) => job.progress({ ...p, unit: 'clips' }))
  },
  modelInstall: (data, job) => runModelInstallJob(data, job.signal, job.progress),
  modelVerify: (data, job) => runModelVerifyJob(data, job.progress),
  async similarity(_data, job) {
    const report = await runSimilarityStage(job.ctx, job.scoring(), job.signal, (p) => job.progress({ ...p, unit: 'clips' }))
    return { outcome: report.failed.length > 0 && report.scored === 0 ? 'failed' : 'done', report }
  },
  async aesthetic(_data, job) {
    const report = await runAestheticStage(job.ctx, job.scoring(), job.signal, (p) => job.progress({ ...p, unit: 'clips' }))
    return { outcome: report.failed.length > 0 && report.scored === 0 ? 'failed' : 'done', report }
  },
  import: (data, job) => runImportJob(job.ctx, data, job.progress, job.signal),
  // The file in one read transaction, then the clip files if asked; in the worker, off the UI's event loop.
  export: (data, job) => runExportJob(job.ctx, data, job.progress, job.signal),
}
