import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { JobDto, JobProgressEvent, JobRequest } from '../../../src-main/api/contract'
import { describeError } from '../api/api-error'
import { useApi } from '../api/use-api'

/** Kinds started from their own form (paths, a file, the export dialog), not with a bare Start. */
export const KINDS_WITH_FORMS: ReadonlySet<string> = new Set(['ingest', 'import', 'export', 'modelInstall', 'modelVerify'])

/** One row of the Jobs panel: a kind and its newest job, with the newest progress it reported. */
export interface StageRow {
  name: string
  job: JobDto | null
  progress: JobProgressEvent | null
  status: JobDto['status'] | null
  /** The worker is on it (per the newest event, else the job row). */
  running: boolean
}

const JOBS_LIMIT = 100

/**
 * Jobs as the Jobs panel shows them. Kinds come from the core (`jobs:kinds`), so a job kind added
 * there appears here without a UI change; live numbers (rate, ETA) come from `jobs:progress`,
 * and the list is re-read when a job starts or ends to pick up the stored error.
 */
export const useJobsStore = defineStore('jobs', () => {
  const api = useApi()

  const kinds = ref<string[]>([])
  const jobs = shallowRef<JobDto[]>([])
  const progress = shallowRef<ReadonlyMap<number, JobProgressEvent>>(new Map())
  const busy = ref(false)
  const error = ref<string | null>(null)
  /** Why the core refused the last import request (a bad path or pattern): shown in its form. */
  const importError = ref<string | null>(null)
  const loaded = ref(false)

  const stages = computed<StageRow[]>(() => {
    const names = [...kinds.value]
    for (const j of jobs.value) if (!names.includes(j.name)) names.push(j.name)
    return names.map((name) => {
      const job = jobs.value.find((j) => j.name === name) ?? null
      const p = job ? (progress.value.get(job.id) ?? null) : null
      // A finished row wins over the last event: an 'interrupted' row's process died mid-run, so
      // its last event still says 'running' (and the core marks the row, not an event).
      const status = job && job.status !== 'running' && job.status !== 'queued' ? job.status : (p?.status ?? job?.status ?? null)
      return { name, job, progress: p, status, running: status === 'running' || status === 'queued' }
    })
  })

  async function load(): Promise<void> {
    try {
      const [k, list] = await Promise.all([api.invoke('jobs:kinds', {}), api.invoke('jobs:list', { limit: JOBS_LIMIT })])
      kinds.value = k
      jobs.value = list
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = describeError(err)
    }
  }

  async function refreshList(): Promise<void> {
    try {
      jobs.value = await api.invoke('jobs:list', { limit: JOBS_LIMIT })
    } catch (err) {
      error.value = describeError(err)
    }
  }

  /**
   * Runs one job-starting call; the new job shows at once (queued) and its events fill it in.
   * A refusal lands in `failure` (the panel's error unless the form has its own).
   */
  async function launch(call: () => Promise<{ jobId: number }>, failure = error): Promise<number | null> {
    busy.value = true
    try {
      const { jobId } = await call()
      failure.value = null
      await refreshList()
      return jobId
    } catch (err) {
      failure.value = describeError(err)
      return null
    } finally {
      busy.value = false
    }
  }

  const start = (request: JobRequest) => launch(() => api.invoke('jobs:start', { request }))
  /** A kind that needs no data (scoring stages); the core checks the request. */
  const startStage = (name: string) => start({ name, data: {} } as JobRequest)
  const ingest = (paths: string[], recursive: boolean) => start({ name: 'ingest', data: { paths, recursive } })
  const importJsonl = (file: string, videoRoot?: string, pattern?: string) =>
    launch(() => api.invoke('dataset:import', { file, ...(videoRoot && { videoRoot }), ...(pattern && { pattern }) }), importError)
  const resume = (jobId: number) => launch(() => api.invoke('jobs:resume', { jobId }))

  async function cancel(jobId: number): Promise<void> {
    busy.value = true
    try {
      const { cancelled } = await api.invoke('jobs:cancel', { jobId })
      error.value = null
      if (!cancelled) {
        // Not this core's job. The re-read shows it 'interrupted' (resumable) if its process is
        // gone; if it is still running, it is another process's (a vicurate command) to stop.
        await refreshList()
        if (jobs.value.find((j) => j.id === jobId)?.status === 'running') {
          error.value = `job ${jobId} is running in another vicurate process (a command in a terminal?); stop it there`
        }
      }
    } catch (err) {
      error.value = describeError(err)
    } finally {
      busy.value = false
    }
  }

  api.on('jobs:progress', (e) => {
    const before = progress.value.get(e.jobId)?.status
    progress.value = new Map(progress.value).set(e.jobId, e)
    const known = jobs.value.some((j) => j.id === e.jobId)
    // A job started elsewhere (CLI, another tab) or one that ended: its row must be re-read.
    if (loaded.value && (!known || (before !== e.status && e.status !== 'running'))) void refreshList()
  })

  return { kinds, jobs, progress, stages, busy, error, importError, loaded, load, refreshList, start, startStage, ingest, importJsonl, resume, cancel }
})
