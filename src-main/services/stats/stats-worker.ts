/**
 * Worker-thread entry for filter statistics: its own read-only connection to the project (WAL
 * lets it read while the server's connection writes), so a histogram pass never holds up the
 * event loop that answers `clips:list`. One request at a time, as the host sends them.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openProjectDb } from '../../db/connection'
import { clipStatsFor } from '../filter.service'
import { StatsCancelled } from './clip-stats'
import type { StatsJob, StatsReply, StatsWorkerInput } from './stats-jobs'
import { runStatsJob, statsErrorReply } from './stats-jobs'

if (parentPort) {
  const port = parentPort
  const input = workerData as StatsWorkerInput
  // Slot 0 holds the id of a request the host wants stopped (its client went away).
  const stopSlot = new Int32Array(input.stop)
  // No integrity check: the host runs in the process that opened the project read-write after
  // checking it (core/project-context.ts workerOpenCheck), and quick_check reads every page
  // (1–4 s per GB measured, RELIABILITY.md). The read-only open still refuses a file that is
  // not a vicurate project.
  const db = openProjectDb(input.projectPath, { readonly: true, check: 'off' })
  // Passes re-read the same table pages request after request: keep more of them here.
  db.pragma('cache_size = -65536')
  const stats = clipStatsFor(db)
  port.on('message', (m: StatsJob | { type: 'close' }) => {
    if ('type' in m) {
      db.close()
      port.close()
      return
    }
    let reply: StatsReply
    try {
      const result = runStatsJob(stats, m, () => Atomics.load(stopSlot, 0) === m.id)
      reply = { id: m.id, ok: true, result }
    } catch (err) {
      if (err instanceof StatsCancelled) reply = { id: m.id, ok: false, cancelled: true }
      else reply = { id: m.id, ok: false, error: statsErrorReply(err, input.projectPath, db) }
    }
    port.postMessage(reply)
  })
}
