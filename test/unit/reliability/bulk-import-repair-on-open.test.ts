import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { currentOwner, type ProcessOwner } from '../../../src-main/core/process-owner'
import { openProject } from '../../../src-main/core/project-context'
import { beginBulkLoad, finishBulkLoad } from '../../../src-main/db/bulk-load-marker'
import { createDatasetRepository } from '../../../src-main/db/repositories/dataset.repository'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'
import { killedBulkImport } from '../../support/killed-bulk-import'
import { tempDir } from '../../support/temp-project'

const MARKER = 'dataset_import.pending_index_rebuild'
const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

/** What a bulk load drops and the repair must bring back: indexes and triggers of the three tables. */
const schemaOf = (db: Database.Database) =>
  db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name IN ('clips', 'captions', 'scores') AND type IN ('index', 'trigger') ORDER BY name").raw().all()
const markerOf = (db: Database.Database) => db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get(MARKER) as string | undefined
/** Clips whose caption holds `word` as a word, counted from the table and from the search index. */
function searchCounts(db: Database.Database, word: string): { table: number; index: number } {
  return {
    table: db.prepare("SELECT count(*) FROM clips WHERE ' ' || caption || ' ' LIKE '% ' || ? || ' %'").pluck().get(word) as number,
    index: db.prepare('SELECT count(*) FROM clips_fts WHERE clips_fts MATCH ?').pluck().get(word) as number,
  }
}
function readOnly<T>(path: string, f: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return f(db)
  } finally {
    db.close()
  }
}

function freshSchema(dir: string): unknown[] {
  const ctx = openProject(join(dir, 'fresh.vicurate'), { create: true })
  try {
    return schemaOf(ctx.db)
  } finally {
    ctx.close()
  }
}

describe('a killed bulk import is repaired when the project is next opened', () => {
  it('after kill -9 mid-load, a plain open (no import) restores the indexes and the insert trigger and makes every row searchable', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    // 120k rows: two bulk batches (100k + 20k), so the kill can land with rows committed.
    const ROWS = 120_000
    const { path } = await killedBulkImport(t.dir, ROWS, 11)

    // The damage the kill left: marker, no insert trigger, committed rows missing from search.
    const killed = readOnly(path, (db) => ({ marker: markerOf(db), schema: schemaOf(db), dog: searchCounts(db, 'dog') }))
    expect(killed.marker).toBeDefined()
    expect(killed.schema.map((r) => (r as string[])[1])).not.toContain('clips_fts_ai')
    expect(killed.dog.table).toBeGreaterThan(killed.dog.index)

    const ctx = openProject(path)
    cleanups.unshift(() => ctx.close())
    expect(markerOf(ctx.db)).toBeUndefined()
    expect(schemaOf(ctx.db)).toEqual(freshSchema(t.dir))
    for (const word of ['dog', 'beach', 'kitchen']) {
      const c = searchCounts(ctx.db, word)
      expect(c.index, `search for "${word}"`).toBe(c.table)
      expect(c.table).toBeGreaterThan(0)
    }
    ctx.db.exec("INSERT INTO clips_fts (clips_fts, rank) VALUES ('integrity-check', 1)")
    expect(ctx.db.pragma('integrity_check', { simple: true })).toBe('ok')
    // The insert trigger is back: a caption written now is searchable at once.
    const repo = createDatasetRepository(ctx.db)
    const vid = repo.insertVideo('after-repair', null, null, 'now')
    repo.insertClip({ videoId: vid, startS: 0, endS: 1, caption: 'a quokka on the beach', similarity: null, aesthetic: null, extraJson: null, mediaPath: null }, 'now')
    expect(searchCounts(ctx.db, 'quokka')).toEqual({ table: 1, index: 1 })
  }, 240_000)
})

describe('opening never repairs a bulk load whose process may still be running it', () => {
  let sleeper: ChildProcess | null = null
  afterEach(() => {
    sleeper?.kill('SIGKILL')
    sleeper = null
  })

  /** A project with a few imported rows, then a bulk load begun as `owner` and left unfinished. */
  async function projectWithBulkLoadOf(owner: ProcessOwner): Promise<{ path: string; dir: string }> {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'p.vicurate')
    const file = join(t.dir, 'rows.jsonl')
    writeJsonl(file, generateRows(50, { seed: 2 }))
    const ctx = openProject(path, { create: true })
    try {
      await importDataset(ctx, file, { bulk: 'off' })
      const repo = createDatasetRepository(ctx.db)
      beginBulkLoad(ctx.db, () => repo.dropBulkIndexes())
      // Recorded as begun by `owner` (beginBulkLoad records this process).
      const marker = JSON.parse(markerOf(ctx.db)!) as { sql: string[] }
      ctx.db.prepare('UPDATE settings SET value_json = ? WHERE key = ?').run(JSON.stringify({ ...marker, owner }), MARKER)
    } finally {
      ctx.db.close() // no close backup: it is not what is tested
    }
    return { path, dir: t.dir }
  }

  const reopen = (path: string) => {
    const ctx = openProject(path)
    try {
      return { marker: markerOf(ctx.db) !== undefined, trigger: schemaOf(ctx.db).some((r) => (r as string[])[1] === 'clips_fts_ai') }
    } finally {
      ctx.db.close()
    }
  }

  it('leaves the load of this process, of another live process and of another host; repairs a dead process\'s', async () => {
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const cases: [string, ProcessOwner, { marker: boolean; trigger: boolean }][] = [
      // e.g. a job worker of `vicurate serve` opening while the server's import job runs
      ['this process', currentOwner(), { marker: true, trigger: false }],
      ['another live process', { host: hostname(), pid: sleeper.pid!, started: null }, { marker: true, trigger: false }],
      ['another host', { host: `${hostname()}-elsewhere`, pid: process.pid, started: null }, { marker: true, trigger: false }],
      ['a dead process', { host: hostname(), pid: dead, started: null }, { marker: false, trigger: true }],
    ]
    for (const [who, owner, expected] of cases) {
      const { path } = await projectWithBulkLoadOf(owner)
      expect(reopen(path), who).toEqual(expected)
    }
  })

  it('a bulk load begun while another live one stands keeps what the first dropped, and the first to finish restores everything', async () => {
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    const { path, dir } = await projectWithBulkLoadOf({ host: hostname(), pid: sleeper.pid!, started: null })
    const db = new Database(path)
    cleanups.unshift(() => db.close())
    const first = (JSON.parse(markerOf(db)!) as { sql: string[] }).sql
    // Everything is already dropped: this load drops nothing itself, yet must restore all.
    const restore = beginBulkLoad(db, () => createDatasetRepository(db).dropBulkIndexes())
    expect(restore).toEqual(first)
    expect(JSON.parse(markerOf(db)!).owner).toEqual(currentOwner())
    finishBulkLoad(db, restore)
    expect(markerOf(db)).toBeUndefined()
    expect(schemaOf(db)).toEqual(freshSchema(dir))
  })
})
