import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../../src-main/db/migrate'
import { projectAtSchema } from '../../support/temp-project'

// A schema-9 project with captions (and clips without one), migrated to 10: the search index is
// recreated without its per-row token counts and rebuilt, and must answer every kind of query the
// grid's caption search sends exactly as before, then keep following inserts, edits and deletes.
describe('migration 0010: the caption search index without column sizes', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const CAPTIONS = ['a dog runs on the beach', 'a red car drives past a dog', null, 'kitchen: a cat sleeps', 'the red boat on a river', 'ein Hund im Schnee', 'a dog']

  function projectAt9(): Database.Database {
    dir = mkdtempSync(join(tmpdir(), 'vicurate-m10-'))
    const db = projectAtSchema(dir, 9)
    const now = '2026-01-01T00:00:00Z'
    const clip = db.prepare(`INSERT INTO clips (video_id, start_s, end_s, caption, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)`)
    CAPTIONS.forEach((c, i) => clip.run(i * 2, i * 2 + 2, c, now, now))
    // An edit before the migration: the index must hold the edited caption, not the first one.
    db.prepare(`UPDATE clips SET caption = 'a dog sleeps in the kitchen' WHERE id = 4`).run()
    return db
  }

  const QUERIES = ['dog', '"red car"', 'kitch*', 'dog NOT beach', 'red OR cat', 'hund', 'sleeps AND kitchen']
  const answers = (db: Database.Database) =>
    Object.fromEntries(QUERIES.map((q) => [q, db.prepare('SELECT rowid FROM clips_fts WHERE clips_fts MATCH ? ORDER BY rowid').pluck().all(q)]))

  it('answers every query as before, keeps no column sizes, passes the integrity check and follows later writes', () => {
    const db = projectAt9()
    const before = answers(db)
    expect(before.dog).toEqual([1, 2, 4, 7])
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'clips_fts_docsize'").pluck().get()).toBe(1)

    expect(migrate(db, loadMigrations().slice(0, 10))).toEqual([10])
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'clips_fts'").pluck().get()).toMatch(/columnsize=0/)
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'clips_fts_docsize'").pluck().get()).toBe(0)
    expect(answers(db)).toEqual(before)
    // rank = 1: also compares the index with the captions in clips (external content).
    db.exec("INSERT INTO clips_fts (clips_fts, rank) VALUES ('integrity-check', 1)")
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)

    const now = '2026-01-02T00:00:00Z'
    db.prepare(`INSERT INTO clips (video_id, start_s, end_s, caption, created_at, updated_at) VALUES (1, 100, 102, 'a dog swims', ?, ?)`).run(now, now)
    db.prepare(`UPDATE clips SET caption = 'a bird' WHERE id = 1`).run()
    db.prepare('DELETE FROM clips WHERE id = 7').run()
    expect(answers(db).dog).toEqual([2, 4, 8])
    db.exec("INSERT INTO clips_fts (clips_fts, rank) VALUES ('integrity-check', 1)")
  })
})
