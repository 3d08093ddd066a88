/**
 * Worker-thread entry: runs one job against its own connection to the project (WAL lets the
 * server keep reading), so decoding and inference never block the IPC/HTTP event loop.
 * Contract events the job emits are posted to the parent, which fans them out to clients.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openProject } from '../core/project-context'
import type { IntegrityCheck } from '../db/db-safety'
import { runJob } from './job-runner'
import type { JobRequest } from './job-types'

export interface WorkerInput {
  projectPath: string
  jobId: number
  request: JobRequest
  /**
   * The integrity check for this worker's open, chosen by the process that starts it
   * (`workerOpenCheck`): 'off' when that process checked the file when it opened it.
   */
  check: IntegrityCheck
}

export type WorkerMessage =
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'finished'; outcome: string; error: string | null }

if (parentPort) {
  const port = parentPort
  const input = workerData as WorkerInput
  const abort = new AbortController()
  port.on('message', (m: { type: string }) => {
    if (m.type === 'cancel') abort.abort()
  })
  // The listening port must not keep the thread alive: it ends when the job's work is done.
  port.unref()
  const ctx = openProject(input.projectPath, { check: input.check })
  ctx.bus.subscribe((name, payload) => port.postMessage({ type: 'event', name, payload } satisfies WorkerMessage))
  void runJob(ctx, input.request, { signal: abort.signal }, input.jobId)
    .then((r) => port.postMessage({ type: 'finished', outcome: r.outcome, error: r.error } satisfies WorkerMessage))
    .catch((err: unknown) => port.postMessage({ type: 'finished', outcome: 'failed', error: String(err) } satisfies WorkerMessage))
    // No close backup here: the process that started this worker makes it when it closes.
    .finally(() => ctx.close({ backup: false }))
}
