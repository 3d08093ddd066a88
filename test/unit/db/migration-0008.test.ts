import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../../src-main/db/migrate'
import { projectAtSchema } from '../../support/temp-project'

// A project at schema 7 with a clip of every kind of dependant (caption, score, review event,
// tag, step, embedding, FTS entry), then migrated to 8: the clips table is rebuilt, and nothing
// that points at a clip may be lost on the way (with foreign keys on, DROP TABLE clips would
// cascade-delete all of it).
describe('migration 0008: the clip span constraint becomes a named index', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  function projectAt7(): Database.Database {
    dir = mkdtempSync(join(tmpdir(), 'vicurate-m8-'))
    const db = projectAtSchema(dir, 7)
    const now = '2026-01-01T00:00:00Z'
    const clip = db.prepare(`INSERT INTO clips (video_id, start_s, end_s, caption, similarity, aesthetic, extra_json, media_path, created_at, updated_at)
      VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    clip.run(0, 2, 'a dog runs on the beach', 0.4, 5.5, '{"k":1}', null, now, now)
    clip.run(2, 4, 'a cat sleeps', 0.2, 4.1, null, '/v/vidA_2_4.mp4', now, now)
    db.prepare(`INSERT INTO captions (clip_id, scale, text, model_id, model_revision, created_at) VALUES (1, 'imported', 'a dog runs on the beach', 'imported', 'f.jsonl', ?)`).run(now)
    db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, created_at) VALUES (1, 'similarity', 0.4, 'imported', 'f.jsonl', ?)`).run(now)
    db.prepare(`INSERT INTO review_events (clip_id, kind, action, reviewer, created_at) VALUES (2, 'decision', 'accept', 'ana', ?)`).run(now)
    db.prepare(`UPDATE clips SET status = 'accepted' WHERE id = 2`).run()
    db.prepare(`INSERT INTO tags (id, name) VALUES (1, 'beach')`).run()
    db.prepare(`INSERT INTO clip_tags (clip_id, tag_id) VALUES (1, 1)`).run()
    db.prepare(`INSERT INTO clip_steps (clip_id, step, status, updated_at) VALUES (2, 'aesthetic', 'done', ?)`).run(now)
    db.prepare(`INSERT INTO clip_embeddings (clip_id, model_id, model_revision, dim, vector, created_at) VALUES (1, 'm', 'r', 1, ?, ?)`).run(Buffer.alloc(4), now)
    return db
  }

  const counts = (db: Database.Database) =>
    Object.fromEntries(['clips', 'captions', 'scores', 'review_events', 'clip_tags', 'clip_steps', 'clip_embeddings', 'clip_status_log']
      .map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]))

  it('keeps every clip and everything that points at one, the search index, the triggers and the uniqueness', () => {
    const db = projectAt7()
    const before = counts(db)
    const rows = db.prepare('SELECT * FROM clips ORDER BY id').all()
    expect(migrate(db, loadMigrations().slice(0, 8))).toEqual([8])
    // The connection's own settings come back (foreign keys; the sorter threads used for the build).
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('threads', { simple: true })).toBe(0)
    expect(counts(db)).toEqual(before)
    expect(db.prepare('SELECT * FROM clips ORDER BY id').all()).toEqual(rows)
    expect(db.pragma('foreign_key_check')).toEqual([])
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'clips' AND sql IS NULL").all()).toEqual([])
    const idx = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'clips_video_span'").pluck().get() as string
    expect(idx).toMatch(/CREATE UNIQUE INDEX clips_video_span ON clips\(video_id, start_s, end_s\)/)

    // Search still finds the old rows (same ids), and follows inserts, edits and deletes.
    const match = (q: string) => db.prepare('SELECT rowid FROM clips_fts WHERE clips_fts MATCH ? ORDER BY rowid').pluck().all(q)
    expect(match('dog')).toEqual([1])
    const now = '2026-01-02T00:00:00Z'
    const insert = db.prepare(`INSERT INTO clips (video_id, start_s, end_s, caption, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)
      ON CONFLICT (video_id, start_s, end_s) DO NOTHING`)
    expect(insert.run(0, 2, 'a duplicate dog', now, now).changes).toBe(0)
    expect(insert.run(4, 6, 'a dog swims', now, now).changes).toBe(1)
    expect(() => db.prepare(`INSERT INTO clips (video_id, start_s, end_s, created_at, updated_at) VALUES (1, 0, 2, ?, ?)`).run(now, now)).toThrow(/UNIQUE/)
    expect(match('dog')).toEqual([1, 3])
    db.prepare(`UPDATE clips SET caption = 'a bird' WHERE id = 1`).run()
    expect(match('dog')).toEqual([3])

    // Triggers: status log, epochs, the append-only audit log, the cascade from clips.
    const epoch = () => db.prepare('SELECT content FROM clip_epochs').pluck().get() as number
    const e0 = epoch()
    db.prepare(`UPDATE clips SET status = 'rejected' WHERE id = 1`).run()
    expect(db.prepare('SELECT clip_id, old_status FROM clip_status_log ORDER BY seq DESC LIMIT 1').get()).toEqual({ clip_id: 1, old_status: 'pending' })
    db.prepare(`UPDATE clips SET similarity = 0.9 WHERE id = 1`).run()
    expect(epoch()).toBeGreaterThan(e0)
    expect(() => db.prepare('DELETE FROM review_events').run()).toThrow(/append-only/)
    db.prepare('DELETE FROM clips WHERE id = 1').run()
    expect(db.prepare('SELECT count(*) FROM captions WHERE clip_id = 1').pluck().get()).toBe(0)
    expect(match('bird')).toEqual([])
    db.close()
  })

  it('rolls back a migration that would leave a reference pointing nowhere', () => {
    const db = projectAt7()
    const bad = { version: 8, name: 'drops_clips', sql: 'CREATE TABLE x (id INTEGER); DROP TABLE clip_tags; DROP TABLE clips;' }
    expect(() => migrate(db, [...loadMigrations().slice(0, 7), bad])).toThrow(/8_drops_clips would break \d+ reference/)
    expect(db.pragma('user_version', { simple: true })).toBe(7)
    expect(db.prepare('SELECT count(*) FROM clips').pluck().get()).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })
})
