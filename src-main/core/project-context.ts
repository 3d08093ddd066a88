import { mkdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { openProjectDb, type Db } from '../db/connection'
import { createClipRepository } from '../db/repositories/clip.repository'
import { createJobRepository } from '../db/repositories/job.repository'
import { createReviewEventRepository } from '../db/repositories/review-event.repository'
import { createScoreRepository } from '../db/repositories/score.repository'
import { createSettingsRepository } from '../db/repositories/settings.repository'
import { createVideoRepository } from '../db/repositories/video.repository'
import { EventBus } from './event-bus'

/** Everything one open project needs; services receive this, never a transport. */
export interface ProjectContext {
  path: string
  name: string
  /** `<project>.d/`: thumbnails, frame caches, generated media. */
  dataDir: string
  db: Db
  repos: {
    videos: ReturnType<typeof createVideoRepository>
    clips: ReturnType<typeof createClipRepository>
    events: ReturnType<typeof createReviewEventRepository>
    settings: ReturnType<typeof createSettingsRepository>
    jobs: ReturnType<typeof createJobRepository>
    scores: ReturnType<typeof createScoreRepository>
  }
  bus: EventBus
  close(): void
}

export function dataDirFor(projectPath: string): string {
  return join(dirname(projectPath), `${basename(projectPath)}.d`)
}

export function openProject(path: string, opts: { create?: boolean } = {}): ProjectContext {
  const abs = resolve(path)
  const db = openProjectDb(abs, { create: opts.create })
  const dataDir = dataDirFor(abs)
  mkdirSync(dataDir, { recursive: true })
  return {
    path: abs,
    name: basename(abs).replace(/\.vicurate$/, ''),
    dataDir,
    db,
    repos: {
      videos: createVideoRepository(db),
      clips: createClipRepository(db),
      events: createReviewEventRepository(db),
      settings: createSettingsRepository(db),
      jobs: createJobRepository(db),
      scores: createScoreRepository(db),
    },
    bus: new EventBus(),
    close: () => db.close(),
  }
}
