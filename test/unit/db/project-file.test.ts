import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { APPLICATION_ID, openProjectDb } from '../../../src-main/db/connection'
import { latestSchemaVersion } from '../../../src-main/db/migrate'
import { tempDir } from '../../support/temp-project'

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')

describe('project file', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('creates a project at the latest schema version with WAL, foreign keys and our application id', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const db = openProjectDb(join(t.dir, 'a.vicurate'), { create: true })
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion())
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table') ORDER BY name").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['videos', 'clips', 'captions', 'scores', 'review_events', 'jobs', 'clip_steps', 'video_steps', 'saved_views', 'settings', 'clips_fts', 'schema_migrations']))
    db.close()
    // Reopening applies nothing and keeps the version.
    const again = openProjectDb(join(t.dir, 'a.vicurate'))
    expect(again.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(latestSchemaVersion())
    again.close()
  })

  it('refuses a missing project unless asked to create it', () => {
    const t = tempDir()
    cleanup = t.cleanup
    expect(() => openProjectDb(join(t.dir, 'nope.vicurate'))).toThrow(/does not exist/)
  })

  it('refuses a file that is not SQLite and leaves it untouched', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const p = join(t.dir, 'notes.vicurate')
    writeFileSync(p, 'just some text, long enough to fill an SQLite header of one hundred bytes............................')
    const before = sha(p)
    expect(() => openProjectDb(p)).toThrow(/not a vicurate project: not an SQLite database/)
    expect(sha(p)).toBe(before)
  })

  it("refuses another application's SQLite database and leaves it untouched", () => {
    const t = tempDir()
    cleanup = t.cleanup
    const p = join(t.dir, 'other.db')
    const other = new Database(p)
    other.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES (\'x\')')
    other.close()
    const before = sha(p)
    expect(() => openProjectDb(p)).toThrow(/another application's SQLite database/)
    expect(sha(p)).toBe(before)
  })

  it('refuses a project from a newer schema, naming the version, and changes nothing', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const p = join(t.dir, 'future.vicurate')
    openProjectDb(p, { create: true }).close()
    const raw = new Database(p)
    raw.pragma('journal_mode = DELETE')
    raw.pragma(`user_version = ${latestSchemaVersion() + 5}`)
    raw.close()
    const before = sha(p)
    expect(() => openProjectDb(p)).toThrow(new RegExp(`schema version ${latestSchemaVersion() + 5}.*supports up to ${latestSchemaVersion()}`))
    expect(sha(p)).toBe(before)
  })
})
