import type { Db } from '../connection'
import { nowIso } from '../../core/clock'
import { currentOwner, type ProcessOwner } from '../../core/process-owner'

/** 'interrupted': the process running it stopped before it finished (see jobs/job-owners.ts). */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'

export interface JobRow {
  id: number
  name: string
  status: JobStatus
  params_json: string
  total: number
  done: number
  error: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  /** The process that created or last started it; null on rows from before schema 5. */
  owner_host: string | null
  owner_pid: number | null
  owner_started: string | null
}

export type StepStatus = 'done' | 'failed' | 'skipped'

export function createJobRepository(db: Db) {
  const insert = db.prepare(`INSERT INTO jobs (name, status, params_json, created_at, owner_host, owner_pid, owner_started)
    VALUES (?, 'queued', ?, ?, ?, ?, ?)`)
  const start = db.prepare(`UPDATE jobs SET status = 'running', started_at = ?, error = NULL,
    owner_host = ?, owner_pid = ?, owner_started = ? WHERE id = ?`)
  // Only while the row is still unfinished and still the same owner's: between the check that
  // its owner is gone and this write, a resume may have taken it over or the job may have ended.
  const interrupt = db.prepare(`UPDATE jobs SET status = 'interrupted', error = ?, finished_at = ?
    WHERE id = ? AND status IN ('queued', 'running') AND owner_host IS ? AND owner_pid IS ? AND owner_started IS ?`)
  const progress = db.prepare('UPDATE jobs SET done = ?, total = ? WHERE id = ?')
  const finish = db.prepare('UPDATE jobs SET status = ?, error = ?, finished_at = ? WHERE id = ?')
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?')
  const unfinished = db.prepare<[], JobRow>("SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY id")
  const recent = db.prepare<[number], JobRow>('SELECT * FROM jobs ORDER BY id DESC LIMIT ?')
  const videoStep = db.prepare<[number, string], { status: StepStatus; error: string | null }>('SELECT status, error FROM video_steps WHERE video_id = ? AND step = ?')
  const setVideoStep = db.prepare(`INSERT INTO video_steps (video_id, step, status, error, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (video_id, step) DO UPDATE SET status = excluded.status, error = excluded.error, updated_at = excluded.updated_at`)
  const clipStep = db.prepare<[number, string], { status: StepStatus; model_id: string | null; model_revision: string | null }>(
    'SELECT status, model_id, model_revision FROM clip_steps WHERE clip_id = ? AND step = ?',
  )
  const setClipStep = db.prepare(`INSERT INTO clip_steps (clip_id, step, status, model_id, model_revision, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (clip_id, step) DO UPDATE SET status = excluded.status, model_id = excluded.model_id,
      model_revision = excluded.model_revision, error = excluded.error, updated_at = excluded.updated_at`)

  return {
    create: (name: string, params: unknown, owner: ProcessOwner = currentOwner()): number =>
      Number(insert.run(name, JSON.stringify(params), nowIso(), owner.host, owner.pid, owner.started).lastInsertRowid),
    markRunning: (id: number, owner: ProcessOwner = currentOwner()): void => void start.run(nowIso(), owner.host, owner.pid, owner.started, id),
    setProgress: (id: number, done: number, total: number): void => void progress.run(done, total, id),
    finish: (id: number, status: Exclude<JobStatus, 'queued' | 'running'>, error: string | null = null): void =>
      void finish.run(status, error, nowIso(), id),
    /** Marks `row` interrupted if it is still unfinished under the owner it was read with. */
    interrupt: (row: JobRow, error: string): boolean =>
      interrupt.run(error, nowIso(), row.id, row.owner_host, row.owner_pid, row.owner_started).changes > 0,
    get: (id: number): JobRow | undefined => byId.get(id),
    /** Jobs queued or running (per their row: a dead owner's rows stay so until jobs/job-owners.ts marks them). */
    unfinished: (): JobRow[] => unfinished.all(),
    recent: (limit = 50): JobRow[] => recent.all(limit),
    videoStep: (videoId: number, step: string) => videoStep.get(videoId, step),
    setVideoStep: (videoId: number, step: string, status: StepStatus, error: string | null = null): void =>
      void setVideoStep.run(videoId, step, status, error, nowIso()),
    clipStep: (clipId: number, step: string) => clipStep.get(clipId, step),
    setClipStep: (clipId: number, step: string, status: StepStatus, model?: { id: string; revision: string } | null, error: string | null = null): void =>
      void setClipStep.run(clipId, step, status, model?.id ?? null, model?.revision ?? null, error, nowIso()),
  }
}

export type JobRepository = ReturnType<typeof createJobRepository>
