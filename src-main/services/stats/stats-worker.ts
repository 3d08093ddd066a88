/**
 * Worker-thread entry for filter statistics: its own read-only connection to the project (WAL
 * lets it read while the server's connection writes), so a histogram pass never holds up the
 * event loop that answers `clips:list`. One request at a time, as the host sends them.
 */
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { BUSY_TIMEOUT_MS } from '../../db/connection'
import { clipStatsFor } from '../filter.service'
import { StatsCancelled } from './clip-stats'
import type { StatsJob, StatsReply, StatsWorkerInput } from './stats-jobs'
import { runStatsJob, statsErrorReply } from './stats-jobs'

if (parentPort) {
  const port = parentPort
  const input = workerData as StatsWorkerInput
  // Slot 0 holds the id of a request the host wants stopped (its client went away).
  const stopSlot = new Int32Array(input.stop)
  const db = new Database(input.projectPath, { readonly: true, fileMustExist: true })
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
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
