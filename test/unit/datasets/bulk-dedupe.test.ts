import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { beginBulkLoad, finishBulkLoad } from '../../../src-main/db/bulk-load-marker'
import { createDirectClipInsert } from '../../../src-main/db/repositories/dataset-import-direct.repository'
import { createDatasetRepository } from '../../../src-main/db/repositories/dataset.repository'
import { importDataset, repairInterruptedImport } from '../../../src-main/services/dataset-import.service'
import { importDump } from '../../support/import-dump'
import { tempProject } from '../../support/temp-project'

// A bulk load inserts with the clip span index dropped and removes duplicates when it builds the
// index again (db/clip-span-dedupe.ts). The result must be what ON CONFLICT DO NOTHING gave:
// the clip already in the project, or the first of two equal rows in the file, stays.

const row = (id: string, start: number, caption: string) =>
  JSON.stringify({
    YoutubeID: id, Start_timestamp: `00:00:${String(start).padStart(2, '0')}.000`, End_timestamp: `00:00:${String(start + 1).padStart(2, '0')}.500`,
    Caption: caption, UMT_Score: start / 100, Aesthetic_Score: 4 + start / 10,
  })

const dump = (ctx: ProjectContext, videoRoot?: string) => importDump(ctx, ['first', 'again', 'twice'], videoRoot)

describe('bulk load: duplicates removed when the clip span index is rebuilt', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))
  const project = () => {
    const t = tempProject()
    cleanups.push(t.cleanup)
    return t
  }

  it('a bulk re-import with rows already there and rows twice in the file gives what the row-by-row path gives', async () => {
    const first = Array.from({ length: 40 }, (_, i) => row(`v${i % 6}`, i, `first ${i}`))
    // Half of `first` again (other captions: the existing clip must keep its own), 30 new rows,
    // each new row twice (the first copy wins), interleaved across batches.
    const second: string[] = []
    for (let i = 0; i < 30; i++) {
      if (i < 20) second.push(row(`v${(i * 2) % 6}`, i * 2, `again ${i}`))
      second.push(row(`w${i % 5}`, i, `twice ${i} a`))
    }
    for (let i = 0; i < 30; i++) second.push(row(`w${i % 5}`, i, `twice ${i} b`))
    const results = []
    for (const bulk of ['on', 'off'] as const) {
      const t = project()
      const root = join(t.dir, 'videos')
      mkdirSync(root)
      // Media for some videos only: the media counts have to come from the clips that stayed.
      for (const id of ['v0', 'v3', 'w1', 'w4']) writeFileSync(join(root, `${id}.mp4`), 'x')
      writeFileSync(join(t.dir, 'first.jsonl'), first.join('\n'))
      writeFileSync(join(t.dir, 'second.jsonl'), second.join('\n'))
      await importDataset(t.ctx, join(t.dir, 'first.jsonl'), { bulk: 'off', videoRoot: root })
      const report = await importDataset(t.ctx, join(t.dir, 'second.jsonl'), { bulk, batchSize: 16, parseWorker: 'off', videoRoot: root })
      expect(report.bulk).toBe(bulk === 'on')
      results.push({ report: { ...report, bulk: null, seconds: 0, phases: null }, dump: dump(t.ctx, root) })
      expect(t.ctx.db.pragma('foreign_key_check')).toEqual([])
      expect(t.ctx.db.pragma('integrity_check', { simple: true })).toBe('ok')
      t.ctx.db.exec("INSERT INTO clips_fts (clips_fts, rank) VALUES ('integrity-check', 1)")
    }
    const [bulk, plain] = results
    expect(bulk.report).toMatchObject({ rows_ok: 30, rows_existing: 50 })
    expect(bulk.report.media_found).toBeGreaterThan(0)
    expect(bulk.report.media_missing).toBeGreaterThan(0)
    expect(bulk).toEqual(plain)
    expect(bulk.dump.search).toEqual([40, 0, 30])
    expect(bulk.dump.orphans).toEqual([['captions', 0], ['scores', 0]])
  })

  it('a killed bulk load that had loaded duplicates is repaired on the next import: copies and their provenance removed, originals kept', async () => {
    const t = project()
    writeFileSync(join(t.dir, 'first.jsonl'), Array.from({ length: 10 }, (_, i) => row('v', i, `first ${i}`)).join('\n'))
    await importDataset(t.ctx, join(t.dir, 'first.jsonl'), { bulk: 'off' })
    const clean = dump(t.ctx)
    // The state a bulk load killed after one batch leaves: indexes and triggers dropped, a marker
    // without a live owner, and loaded rows (of their own import) that repeat existing clips.
    const db = t.ctx.db
    const repo = createDatasetRepository(db)
    const sql = repo.dropBulkIndexes()
    expect(sql.some((s) => s.includes('clips_video_span'))).toBe(true)
    db.prepare("INSERT INTO settings (key, value_json) VALUES ('dataset_import.pending_index_rebuild', ?)").run(JSON.stringify({ sql }))
    const importId = repo.createImport('killed.jsonl', join(t.dir, 'killed.jsonl'), '2026-01-01T00:00:00Z')
    const videoId = db.prepare("SELECT id FROM videos WHERE source_id = 'v'").pluck().get() as number
    const direct = createDirectClipInsert(db)
    db.transaction(() => {
      direct.begin('2026-01-01T00:00:00Z', importId)
      for (let i = 0; i < 5; i++) direct.add(i + 1, videoId, i, i + 1.5, `again ${i}`, 0.9, 6, null, null)
      expect(direct.commit()).toBe(5)
    })()
    expect(db.prepare("SELECT count(*) FROM scores_with_imported WHERE model_revision = 'killed.jsonl'").pluck().get()).toBe(10)
    expect(db.prepare('SELECT count(*) FROM clips').pluck().get()).toBe(15)

    expect(repairInterruptedImport(t.ctx)).toBe(true)
    expect(dump(t.ctx)).toEqual(clean)
    expect(db.prepare("SELECT count(*) FROM scores_with_imported WHERE model_revision = 'killed.jsonl'").pluck().get()).toBe(0)
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.exec("INSERT INTO clips_fts (clips_fts, rank) VALUES ('integrity-check', 1)")
  })

  it('an import or a scene cut that runs while another bulk load has the span index dropped inserts anyway, and that load removes the duplicates at its end', async () => {
    const t = project()
    const db = t.ctx.db
    writeFileSync(join(t.dir, 'first.jsonl'), Array.from({ length: 10 }, (_, i) => row('v', i, `first ${i}`)).join('\n'))
    await importDataset(t.ctx, join(t.dir, 'first.jsonl'), { bulk: 'off' })
    const clean = dump(t.ctx)
    // A load owned by this (live) process: an import's repair leaves it alone.
    const restore = beginBulkLoad(db, () => createDatasetRepository(db).dropBulkIndexes())
    writeFileSync(join(t.dir, 'again.jsonl'), Array.from({ length: 4 }, (_, i) => row('v', i, `again ${i}`)).join('\n'))
    const report = await importDataset(t.ctx, join(t.dir, 'again.jsonl'), { bulk: 'off' })
    expect(report.rows_ok).toBe(4) // counted by the insert; the other load's end removes them
    const videoId = db.prepare("SELECT id FROM videos WHERE source_id = 'v'").pluck().get() as number
    // A scene cut's insert checks for the span itself (no ON CONFLICT, which needs the index).
    expect(t.ctx.repos.clips.insert({ videoId, startS: 5, endS: 6.5 })).toBeNull()
    expect(finishBulkLoad(db, restore)).toEqual({ duplicatesRemoved: 4 })
    expect(dump(t.ctx)).toEqual(clean)
    expect(t.ctx.repos.clips.insert({ videoId, startS: 5, endS: 6.5 })).toBeNull()
  })
})
