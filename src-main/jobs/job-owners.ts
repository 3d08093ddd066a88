import type { Db } from '../db/connection'
import type { JobRepository, JobRow } from '../db/repositories/job.repository'
import { ownerState, type ProcessOwner } from '../core/process-owner'

const ownerOf = (row: JobRow): ProcessOwner | null =>
  row.owner_host === null || row.owner_pid === null ? null : { host: row.owner_host, pid: row.owner_pid, started: row.owner_started }

export function interruptedMessage(row: JobRow): string {
  const who = row.owner_pid === null ? 'the process running it' : `the process running it (pid ${row.owner_pid})`
  return `interrupted: ${who} stopped before the job finished; resume it (or run the same command again) to go on where it stopped`
}

/**
 * Marks queued or running jobs whose process is gone (killed, crashed) as 'interrupted', so they
 * stop showing as running forever and the Jobs panel offers Resume. Called when a project is
 * opened and when the Jobs panel lists jobs (a CLI job may die while the UI is open).
 *
 * A row is left alone when its owner may still run: a live pid with the same start time, or a
 * process on another host (a project on a shared folder). Rows from before schema 5 name no
 * owner and are marked too: left alone they would stay running forever, and the one process that
 * could still be running one (an older vicurate that had the file open across the upgrade)
 * writes its real outcome over the mark when it ends.
 *
 * Best effort and never waits: with another connection holding the write lock (a long import),
 * the rows are left for the next call instead of stalling the open for busy_timeout, and a
 * read-only file is reported by the work that needs to write, not here. Returns the ids marked.
 */
export function interruptOrphanedJobs(jobs: JobRepository, db: Db): number[] {
  const orphans = jobs.unfinished().filter((row) => {
    const owner = ownerOf(row)
    return owner === null || ownerState(owner) === 'dead'
  })
  if (orphans.length === 0) return []
  const wait = db.pragma('busy_timeout', { simple: true }) as number
  const marked: number[] = []
  try {
    db.pragma('busy_timeout = 0')
    db.transaction(() => {
      for (const row of orphans) if (jobs.interrupt(row, interruptedMessage(row))) marked.push(row.id)
    })()
  } catch {
    return []
  } finally {
    db.pragma(`busy_timeout = ${wait}`)
  }
  return marked
}
