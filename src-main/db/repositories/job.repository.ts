import type { Db } from '../connection'
import { nowIso } from '../../core/clock'

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

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
}

export type StepStatus = 'done' | 'failed' | 'skipped'

export function createJobRepository(db: Db) {
  const insert = db.prepare("INSERT INTO jobs (name, status, params_json, created_at) VALUES (?, 'queued', ?, ?)")
  const start = db.prepare("UPDATE jobs SET status = 'running', started_at = ?, error = NULL WHERE id = ?")
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
    create: (name: string, params: unknown): number => Number(insert.run(name, JSON.stringify(params), nowIso()).lastInsertRowid),
    markRunning: (id: number): void => void start.run(nowIso(), id),
    setProgress: (id: number, done: number, total: number): void => void progress.run(done, total, id),
    finish: (id: number, status: Exclude<JobStatus, 'queued' | 'running'>, error: string | null = null): void =>
      void finish.run(status, error, nowIso(), id),
    get: (id: number): JobRow | undefined => byId.get(id),
    /** Jobs a crash left behind ('running' with no process) or that never started. */
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
