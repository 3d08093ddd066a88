import { existsSync, rmSync } from 'node:fs'
import { openProject } from '../../src-main/core/project-context'
import { mulberry32 } from './jsonl-fixtures'

/**
 * Synthetic projects of any size for grid and paging tests, e.g. the 1M-clip e2e project.
 *
 * Rows go straight in with SQL, one transaction per 100k clips (per-row transactions would spend
 * the time in fsync). Videos have no media (path NULL, so every clip reads "media missing"),
 * clips have no captions (the FTS triggers stay idle) and no thumbnails. Scores come from a
 * seeded generator, so the same seed gives the same project and a failure can be reproduced.
 * The project is opened with openProject, so the schema is the real migrated one.
 */

export interface BigProjectOptions {
  clips: number
  /** Clips per synthetic video (videos are source_id `synthetic-000001`, …). */
  clipsPerVideo?: number
  seed?: number
  /** Share of clips already accepted / rejected, so status filters have something to show. */
  accepted?: number
  rejected?: number
  /** Replace an existing file at `path` (default), or keep it when its clip count matches. */
  reuse?: boolean
}

export interface BigProjectResult {
  path: string
  clips: number
  videos: number
  ms: number
  reused: boolean
}

/** The same seeded PRNG as the JSONL fixtures: identical projects on every run. */
export const seededRandom = mulberry32

const BATCH = 100_000

export function createBigProject(path: string, opts: BigProjectOptions): BigProjectResult {
  const started = performance.now()
  const perVideo = opts.clipsPerVideo ?? 100
  const videos = Math.ceil(opts.clips / perVideo)
  if (opts.reuse && existsSync(path)) {
    const ctx = openProject(path, { check: 'off' })
    try {
      const n = ctx.db.prepare('SELECT count(*) FROM clips').pluck().get() as number
      if (n === opts.clips) return { path: ctx.path, clips: n, videos, ms: performance.now() - started, reused: true }
    } finally {
      ctx.db.close()
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })

  const ctx = openProject(path, { create: true })
  const { db } = ctx
  const random = seededRandom(opts.seed ?? 1)
  const accepted = opts.accepted ?? 0.05
  const rejected = opts.rejected ?? 0.03
  const now = new Date().toISOString()
  // Bulk-load settings for a throwaway fixture (a crash mid-build just means building again):
  // no journal, no fsync, and the clips indexes rebuilt once at the end — maintaining five
  // random-order indexes row by row is most of the cost (107 s vs the target of < 30 s).
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -262144')
  db.pragma('temp_store = MEMORY')
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'clips' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[]
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`)

  const insertVideo = db.prepare(`INSERT INTO videos (id, source_id, path, duration_s, status, created_at)
    VALUES (?, ?, NULL, ?, 'missing', ?)`)
  const insertClip = db.prepare(`INSERT INTO clips (id, video_id, start_s, end_s, status, similarity, aesthetic, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)

  db.transaction(() => {
    for (let v = 1; v <= videos; v++) insertVideo.run(v, `synthetic-${String(v).padStart(6, '0')}`, perVideo * 8, now)
  })()

  const batch = db.transaction((from: number, to: number) => {
    for (let id = from; id <= to; id++) {
      const videoId = Math.floor((id - 1) / perVideo) + 1
      const slot = (id - 1) % perVideo
      const start = slot * 8 + Math.floor(random() * 2000) / 1000
      const duration = 2 + Math.floor(random() * 4000) / 1000
      const r = random()
      const status = r < accepted ? 'accepted' : r < accepted + rejected ? 'rejected' : 'pending'
      // ViCLIP-like cosine similarities and LAION-like 1–10 aesthetic scores; 10 % unscored.
      const similarity = random() < 0.1 ? null : Math.round((0.15 + random() * 0.25) * 1e4) / 1e4
      const aesthetic = random() < 0.1 ? null : Math.round((3 + random() * 4) * 1e3) / 1e3
      insertClip.run(id, videoId, start, start + duration, status, similarity, aesthetic, now, now)
    }
  })
  for (let from = 1; from <= opts.clips; from += BATCH) batch(from, Math.min(opts.clips, from + BATCH - 1))

  for (const ix of indexes) db.exec(ix.sql)
  db.pragma('synchronous = NORMAL')
  db.pragma('journal_mode = WAL')
  // Not ctx.close(): that backs up a changed project, minutes of copying for a test fixture.
  db.close()
  return { path: ctx.path, clips: opts.clips, videos, ms: performance.now() - started, reused: false }
}
