import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openProject, type ProjectContext } from '../../src-main/core/project-context'
import { loadMigrations, migrate } from '../../src-main/db/migrate'

export const SHARED_ASSETS = join(__dirname, '..', '..', '..', 'shared', 'assets')
export const SHARED_VIDEOS = join(SHARED_ASSETS, 'videos')

export function tempDir(prefix = 'vicurate-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A fresh project on disk (real migrations, WAL) in its own temp folder. */
export function tempProject(): { ctx: ProjectContext; dir: string; cleanup: () => void } {
  const t = tempDir()
  const ctx = openProject(join(t.dir, 'test.vicurate'), { create: true })
  return {
    ctx,
    dir: t.dir,
    cleanup: () => {
      ctx.close()
      t.cleanup()
    },
  }
}

/** Inserts a video row + clips directly (no media), for tests of queries and paging. */
export function seedClips(ctx: ProjectContext, clips: { startS: number; endS: number; similarity?: number | null; aesthetic?: number | null }[], sourceId = 'vid'): number[] {
  const videoId = ctx.repos.videos.insert({
    sourceId, path: null, rootId: null, sizeBytes: null, mtimeMs: null, durationS: null, fps: null,
    width: null, height: null, codec: null, hasAudio: false, probeJson: null,
  })
  const setScores = ctx.db.prepare('UPDATE clips SET similarity = ?, aesthetic = ? WHERE id = ?')
  return clips.map((c) => {
    const id = ctx.repos.clips.insert({ videoId, startS: c.startS, endS: c.endS })!
    setScores.run(c.similarity ?? null, c.aesthetic ?? null, id)
    return id
  })
}

/**
 * A project file in `dir` migrated only up to `version` (WAL, foreign keys on), with one video
 * (id 1, 'vidA', media missing): where a migration test seeds the rows the next version must keep.
 */
export function projectAtSchema(dir: string, version: number): Database.Database {
  const db = new Database(join(dir, 'p.vicurate'))
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  migrate(db, loadMigrations().slice(0, version))
  db.prepare(`INSERT INTO videos (id, source_id, status, created_at) VALUES (1, 'vidA', 'missing', '2026-01-01T00:00:00Z')`).run()
  return db
}
