/**
 * Worker-thread entry for large batch decisions and their undo (batch-runner.ts): one UPDATE over
 * up to millions of clips rewrites an entry in each covering index per clip (22–27 s for 920k
 * clips here), which on the server's own thread would freeze every other request that long.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toErrorDto } from '../api/errors'
import { openProject } from '../core/project-context'
import { decideBatch, undoBatch } from './batch.service'
import type { BatchWorkerInput, BatchWorkerReply } from './batch-runner'

if (parentPort) {
  const port = parentPort
  const input = workerData as BatchWorkerInput
  let reply: BatchWorkerReply
  // The process that starts this worker has the project open and checked (see workerOpenCheck).
  const ctx = openProject(input.projectPath, { check: 'off' })
  try {
    reply = { ok: true, result: input.op === 'decide' ? decideBatch(ctx, input.args) : undoBatch(ctx, input.batchId) }
  } catch (err) {
    reply = { ok: false, error: toErrorDto(err) }
  } finally {
    ctx.close({ backup: false })
  }
  port.postMessage(reply)
}
