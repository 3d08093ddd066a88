import { Worker } from 'node:worker_threads'
import { ApiError, type ApiErrorCode } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { decideBatch, undoBatch, type BatchResult } from './batch.service'
import { datasetWorkerEntry } from './dataset-worker-entry'

/**
 * Batch decisions from the API: small ones on this thread (a worker costs ~0.1–0.5 s to start),
 * large ones in a worker thread with its own connection, so the server keeps answering reads
 * meanwhile (WAL). Other writes wait for the batch's transaction like any writer (busy timeout,
 * then a `busy` error the UI shows), instead of the whole server freezing. Same validation, same
 * single transaction, same audit rows: the worker runs batch.service itself.
 */
const OFF_THREAD_MIN_CLIPS = 20_000

type DecideArgs = Parameters<typeof decideBatch>[1]
export type BatchWorkerInput = { projectPath: string } & ({ op: 'decide'; args: DecideArgs } | { op: 'undo'; batchId: string })
export type BatchWorkerReply = { ok: true; result: unknown } | { ok: false; error: { code: ApiErrorCode; message: string } }

export async function decideBatchAsync(ctx: ProjectContext, args: DecideArgs, offThreadMin = OFF_THREAD_MIN_CLIPS): Promise<BatchResult> {
  if (!(typeof args.expectedCount === 'number' && args.expectedCount >= offThreadMin)) return decideBatch(ctx, args)
  return (await inWorker(ctx, { projectPath: ctx.path, op: 'decide', args }, () => decideBatch(ctx, args))) as BatchResult
}

export async function undoBatchAsync(ctx: ProjectContext, batchId: unknown, offThreadMin = OFF_THREAD_MIN_CLIPS): Promise<{ restored: number; skipped: number }> {
  const size = typeof batchId === 'string' ? (ctx.db.prepare("SELECT count(*) FROM review_events WHERE batch_id = ? AND kind = 'decision'").pluck().get(batchId) as number) : 0
  if (size < offThreadMin) return undoBatch(ctx, batchId)
  return (await inWorker(ctx, { projectPath: ctx.path, op: 'undo', batchId: batchId as string }, () => undoBatch(ctx, batchId))) as { restored: number; skipped: number }
}

async function inWorker(ctx: ProjectContext, input: BatchWorkerInput, inline: () => unknown): Promise<unknown> {
  const entry = datasetWorkerEntry('batch-worker')
  // An app bundle built without the entry: the old way, on this thread.
  if (!entry) return inline()
  const reply = await new Promise<BatchWorkerReply>((resolve, reject) => {
    const worker = new Worker(entry.file, { workerData: input, execArgv: entry.execArgv })
    worker.once('message', (m: BatchWorkerReply) => resolve(m))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`batch worker exited with code ${code} before answering`)))
  })
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message)
  // The worker's own bus has no listeners: tell this process's clients.
  ctx.bus.emit('clips:changed', { clipIds: [] })
  return reply.result
}
