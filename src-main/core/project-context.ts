import { existsSync, mkdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { repairAbandonedBulkLoadOnOpen } from '../db/bulk-load-marker'
import { pruneStatusLog } from '../db/clip-status-log'
import { openProjectDb, type Db } from '../db/connection'
import { createBackup, type IntegrityCheck } from '../db/db-safety'
import { createClipRepository } from '../db/repositories/clip.repository'
import { createJobRepository } from '../db/repositories/job.repository'
import { createReviewEventRepository } from '../db/repositories/review-event.repository'
import { createScoreRepository } from '../db/repositories/score.repository'
import { createSettingsRepository } from '../db/repositories/settings.repository'
import { createVideoRepository } from '../db/repositories/video.repository'
import { interruptOrphanedJobs } from '../jobs/job-owners'
import { EventBus } from './event-bus'

/** Everything one open project needs; services receive this, never a transport. */
export interface ProjectContext {
  path: string
  name: string
  /** `<project>.d/`: thumbnails, frame caches, generated media. */
  dataDir: string
  db: Db
  /**
   * The integrity check `openProject` ran on the file ('off' when it was skipped or the file was
   * new; absent for contexts made elsewhere, e.g. a shard's). A process that checked lets the
   * workers it starts on the same file skip it: see `workerOpenCheck`.
   */
  integrityCheck?: IntegrityCheck
  repos: {
    videos: ReturnType<typeof createVideoRepository>
    clips: ReturnType<typeof createClipRepository>
    events: ReturnType<typeof createReviewEventRepository>
    settings: ReturnType<typeof createSettingsRepository>
    jobs: ReturnType<typeof createJobRepository>
    scores: ReturnType<typeof createScoreRepository>
  }
  bus: EventBus
  /**
   * Clean close. `backup: false` for a job worker's connection: the process that started it makes
   * the close backup, which covers the worker's commits too (see closeWithBackup).
   */
  close(opts?: { backup?: boolean }): void
}

export function dataDirFor(projectPath: string): string {
  return join(dirname(projectPath), `${basename(projectPath)}.d`)
}

/**
 * Clean close: a backup when the project changed while this connection had it open — through this
 * connection (a session's decisions, a CLI import) or another one (`data_version` moves with
 * every other connection's commit: the job workers this process started) — then close. Workers
 * close without one: a close backup copies the whole file (~1.5 s per 350 MB here), which every
 * job would otherwise pay, and their parent's backup covers them. A failed backup is reported but
 * never keeps the file open.
 */
function closeWithBackup(db: Db, path: string, openedAt: number, backup: boolean): void {
  try {
    const changed = () =>
      (db.prepare('SELECT total_changes()').pluck().get() as number) > 0 || (db.pragma('data_version', { simple: true }) as number) !== openedAt
    if (backup && db.open && !db.inTransaction && changed()) createBackup(db, path, 'close')
  } catch (err) {
    process.emitWarning(`backup on close of ${path} failed: ${(err as Error).message}`)
  } finally {
    if (db.open) db.close()
  }
}

/**
 * The check a worker thread of this process runs when it opens the project this context has
 * open. quick_check reads every page (1–4 s per GB measured, see RELIABILITY.md), and a
 * worker is started by a process that already holds the file open, read-write, after checking it:
 * checking again would only re-read what the parent checked, while the parent's own connection
 * keeps using the file regardless of what the worker finds. So a worker of a checked parent skips
 * it; a worker of a parent that did not check (opened with check 'off') checks for itself.
 */
export function workerOpenCheck(parent: Pick<ProjectContext, 'integrityCheck'>): IntegrityCheck {
  return parent.integrityCheck === undefined || parent.integrityCheck === 'off' ? 'quick' : 'off'
}

export function openProject(path: string, opts: { create?: boolean; check?: IntegrityCheck } = {}): ProjectContext {
  const abs = resolve(path)
  const existed = existsSync(abs)
  const check = opts.check ?? 'quick'
  const db = openProjectDb(abs, { create: opts.create, check })
  // Other connections' commits from here on move data_version: a close backup then covers them.
  const openedAt = db.pragma('data_version', { simple: true }) as number
  const dataDir = dataDirFor(abs)
  mkdirSync(dataDir, { recursive: true })
  const jobs = createJobRepository(db)
  // Jobs a killed process left 'running' become 'interrupted' (resumable) before anyone lists them.
  interruptOrphanedJobs(jobs, db)
  pruneStatusLog(db)
  // A bulk import killed midway left indexes and the search trigger dropped: put them back now
  // rather than at the next import, unless the import's process may still be running.
  repairAbandonedBulkLoadOnOpen(db, abs)
  return {
    path: abs,
    name: basename(abs).replace(/\.vicurate$/, ''),
    dataDir,
    db,
    integrityCheck: existed ? check : 'off',
    repos: {
      videos: createVideoRepository(db),
      clips: createClipRepository(db),
      events: createReviewEventRepository(db),
      settings: createSettingsRepository(db),
      jobs,
      scores: createScoreRepository(db),
    },
    bus: new EventBus(),
    close: (opts) => closeWithBackup(db, abs, openedAt, opts?.backup ?? true),
  }
}
