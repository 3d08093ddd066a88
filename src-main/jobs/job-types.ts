import type { ProjectContext } from '../core/project-context'
import type { CaptionJobReport } from '../services/captioning/caption-job'
import type { ModelInstallReport, ModelVerifyReport } from '../services/model-jobs.service'
import type { IngestReport } from '../services/ingest.service'
import type { ScoringDeps } from '../services/scoring/scoring-deps'
import type { StageReport } from '../services/scoring/stage-runner'
import type { ExportJobReport } from '../services/dataset-jobs.service'
import type { ImportReport } from '../services/dataset-import.service'

import type { JobName, JobRequest } from '../api/contract'

/** Every kind of long work is one typed request, declared in the API contract (Immich's JobOf<Name>). */
export type { JobName, JobRequest }
export type JobData<N extends JobName> = Extract<JobRequest, { name: N }>['data']

export type JobOutcome = 'done' | 'skipped' | 'failed'

export interface JobProgress {
  done: number
  total: number
  /** What `done`/`total` count, shown with the rate ("frames/s", "clips/s"). */
  unit: 'videos' | 'clips' | 'frames' | 'MB'
  detail?: string
}

export interface JobContext {
  ctx: ProjectContext
  /** Model store and ONNX sessions, created on first use (ingest never needs them). */
  scoring: () => ScoringDeps
  jobId: number
  signal: AbortSignal
  progress(p: JobProgress): void
}

/** What each job hands back to its caller besides the outcome (e.g. the CLI's JSON report). */
export interface JobReports {
  ingest: IngestReport
  similarity: StageReport
  aesthetic: StageReport
  caption: CaptionJobReport
  modelInstall: ModelInstallReport
  modelVerify: ModelVerifyReport
  import: ImportReport
  export: ExportJobReport
}

/** A handler records per-item failures in its step rows; it returns the outcome and a report. */
export type JobHandler<N extends JobName> = (data: JobData<N>, job: JobContext) => Promise<{ outcome: JobOutcome; report: JobReports[N] }>

export type JobHandlers = { [N in JobName]: JobHandler<N> }
