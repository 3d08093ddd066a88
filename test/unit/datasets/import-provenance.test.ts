import Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../../src-main/db/migrate'
import { updateCaption } from '../../../src-main/services/caption.service'
import { exportDataset } from '../../../src-main/services/dataset-export.service'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import type { SelectionSpec } from '../../../src-main/services/export-filters'
import { modelCaptions } from '../../../src-main/services/review.service'
import { tempProject } from '../../support/temp-project'

// Schema 9 records an import's provenance once (an `imports` row the clips point at) instead of a
// captions row and two scores rows per clip; the file's caption and scores are copied into those
// tables when something first replaces them. What a reader sees must not change.
const ALL: SelectionSpec = { status: 'all', where: [], topPercent: null, div: null, preset: null }
const VICLIP = { id: 'viclip-b16', revision: 'r1' }
const row = (id: string, caption: string, sim: number | null, aes: number | null) =>
  JSON.stringify({ YoutubeID: id, Start_timestamp: '00:00:01.000', End_timestamp: '00:00:03.000', Caption: caption, UMT_Score: sim, Aesthetic_Score: aes })

describe('import provenance, once per import', () => {
  let t: ReturnType<typeof tempProject>
  afterEach(() => t?.cleanup())

  async function imported(bulk: 'on' | 'off') {
    t = tempProject()
    const file = join(t.dir, 'iv.jsonl')
    writeFileSync(file, [row('a', 'a dog runs', 0.41, 4.8), row('b', 'a cat sleeps', null, 5.5), row('c', 'rain falls', 0.3, null)].join('\n'))
    const r = await importDataset(t.ctx, file, { bulk })
    expect(r.rows_ok).toBe(3)
    const db = t.ctx.db
    const id = (source: string) => db.prepare('SELECT c.id FROM clips c JOIN videos v ON v.id = c.video_id WHERE v.source_id = ?').pluck().get(source) as number
    return { db, a: id('a'), b: id('b'), c: id('c') }
  }
  const provenance = (db: Database.Database, clipId: number) => ({
    captions: db.prepare('SELECT scale, text, model_id, model_revision FROM captions_with_imported WHERE clip_id = ? ORDER BY id').all(clipId),
    scores: db.prepare('SELECT kind, value, model_id, model_revision, stale FROM scores_with_imported WHERE clip_id = ? ORDER BY kind, model_id').all(clipId),
  })
  const tableRows = (db: Database.Database) => db.prepare("SELECT (SELECT count(*) FROM captions) + (SELECT count(*) FROM scores)").pluck().get()

  for (const bulk of ['on', 'off'] as const) {
    it(`an import (bulk ${bulk}) writes one imports row and no provenance rows; the views show each clip's file values`, async () => {
      const { db, a, b, c } = await imported(bulk)
      expect(tableRows(db)).toBe(0)
      expect(db.prepare('SELECT file_name, path FROM imports').all()).toEqual([{ file_name: 'iv.jsonl', path: join(t.dir, 'iv.jsonl') }])
      // Only values the file had are marked as held by the clip.
      expect(db.prepare('SELECT imported_scores FROM clips WHERE id IN (?, ?, ?) ORDER BY id').pluck().all(a, b, c)).toEqual([3, 2, 1])
      expect(provenance(db, a)).toEqual({
        captions: [{ scale: 'imported', text: 'a dog runs', model_id: 'imported', model_revision: 'iv.jsonl' }],
        scores: [
          { kind: 'aesthetic', value: 4.8, model_id: 'imported', model_revision: 'iv.jsonl', stale: 0 },
          { kind: 'similarity', value: 0.41, model_id: 'imported', model_revision: 'iv.jsonl', stale: 0 },
        ],
      })
      expect(provenance(db, b).scores).toEqual([{ kind: 'aesthetic', value: 5.5, model_id: 'imported', model_revision: 'iv.jsonl', stale: 0 }])
      expect(modelCaptions(t.ctx, a)).toEqual([{ scale: 'imported', text: 'a dog runs', modelId: 'imported', frameIndex: null, frameTimeS: null, promptVersion: null }])
    })
  }

  it("a curator's edits copy the file's caption and the now stale similarity once; the aesthetic stays with the clip", async () => {
    const { db, a } = await imported('on')
    updateCaption(t.ctx, a, 'a brown dog runs')
    const staleCopy = { kind: 'similarity', value: 0.41, model_id: 'imported', model_revision: 'iv.jsonl', stale: 1 }
    expect(db.prepare("SELECT kind, value, model_id, model_revision, stale FROM scores WHERE clip_id = ?").all(a)).toEqual([staleCopy])
    updateCaption(t.ctx, a, 'a brown dog runs fast')
    expect(db.prepare('SELECT caption, similarity, aesthetic, imported_scores FROM clips WHERE id = ?').get(a))
      .toEqual({ caption: 'a brown dog runs fast', similarity: null, aesthetic: 4.8, imported_scores: 2 })
    expect(db.prepare('SELECT scale, text, model_revision FROM captions WHERE clip_id = ?').all(a)).toEqual([{ scale: 'imported', text: 'a dog runs', model_revision: 'iv.jsonl' }])
    expect(provenance(db, a).scores).toEqual([
      { kind: 'aesthetic', value: 4.8, model_id: 'imported', model_revision: 'iv.jsonl', stale: 0 },
      { kind: 'similarity', value: 0.41, model_id: 'imported', model_revision: 'iv.jsonl', stale: 1 },
    ])
    // The editor still shows the file's caption as the model caption, and only once.
    expect(modelCaptions(t.ctx, a).map((m) => m.text)).toEqual(['a dog runs'])
  })

  it('a scoring model taking over copies the file scores it replaces as stale, and never records its own values as imported', async () => {
    const { db, a, b, c } = await imported('off')
    t.ctx.repos.scores.selectModel('similarity', VICLIP)
    // Copied as stale by the selection itself (no other write has touched the copies yet).
    expect(db.prepare("SELECT clip_id, value, stale FROM scores ORDER BY clip_id").all()).toEqual([{ clip_id: a, value: 0.41, stale: 1 }, { clip_id: c, value: 0.3, stale: 1 }])
    t.ctx.repos.scores.put(a, 'similarity', 0.7, VICLIP)
    // b had no UMT_Score: its new values are the model's, twice over, and nothing is "imported".
    t.ctx.repos.scores.put(b, 'similarity', 0.2, VICLIP)
    t.ctx.repos.scores.put(b, 'similarity', 0.25, VICLIP)
    t.ctx.repos.scores.selectModel('similarity', VICLIP)
    expect(provenance(db, a).scores).toEqual([
      { kind: 'aesthetic', value: 4.8, model_id: 'imported', model_revision: 'iv.jsonl', stale: 0 },
      { kind: 'similarity', value: 0.41, model_id: 'imported', model_revision: 'iv.jsonl', stale: 1 },
      { kind: 'similarity', value: 0.7, model_id: 'viclip-b16', model_revision: 'r1', stale: 0 },
    ])
    expect(provenance(db, b).scores).toEqual([
      { kind: 'aesthetic', value: 5.5, model_id: 'imported', model_revision: 'iv.jsonl', stale: 0 },
      { kind: 'similarity', value: 0.25, model_id: 'viclip-b16', model_revision: 'r1', stale: 0 },
    ])
    expect(provenance(db, c).scores).toEqual([{ kind: 'similarity', value: 0.3, model_id: 'imported', model_revision: 'iv.jsonl', stale: 1 }])
    expect(db.prepare('SELECT similarity FROM clips WHERE id IN (?, ?, ?) ORDER BY id').pluck().all(a, b, c)).toEqual([0.7, 0.25, null])

    // The export manifest names the model behind each kind's current scores.
    const r = exportDataset(t.ctx, join(t.dir, 'out.jsonl'), ALL)
    const manifest = JSON.parse(readFileSync(r.manifestPath, 'utf8')) as { score_models: unknown[] }
    expect(manifest.score_models).toEqual([
      { kind: 'aesthetic', model_id: 'imported', model_revision: 'iv.jsonl', clips: 2 },
      { kind: 'similarity', model_id: 'viclip-b16', model_revision: 'r1', clips: 2 },
    ])

    // Selecting the file itself as the aesthetic model keeps its values, now as current rows.
    t.ctx.repos.scores.selectModel('aesthetic', { id: 'imported', revision: 'iv.jsonl' })
    expect(db.prepare('SELECT aesthetic, imported_scores FROM clips WHERE id IN (?, ?, ?) ORDER BY id').raw().all(a, b, c)).toEqual([[4.8, 0], [5.5, 0], [null, 0]])
    expect(db.prepare("SELECT clip_id, value, stale FROM scores WHERE kind = 'aesthetic' ORDER BY clip_id").raw().all()).toEqual([[a, 4.8, 0], [b, 5.5, 0]])
  })

  it('clips imported before schema 9 keep their provenance rows, seen once through the views', () => {
    t = tempProject()
    const db = new Database(join(t.dir, 'old.vicurate'))
    try {
      migrate(db, loadMigrations().slice(0, 8))
      const now = '2026-01-01T00:00:00Z'
      db.prepare(`INSERT INTO videos (id, source_id, status, created_at) VALUES (1, 'v', 'missing', ?)`).run(now)
      db.prepare(`INSERT INTO clips (id, video_id, start_s, end_s, caption, similarity, created_at, updated_at) VALUES (1, 1, 0, 2, 'old text', 0.5, ?, ?)`).run(now, now)
      db.prepare(`INSERT INTO captions (clip_id, scale, text, model_id, model_revision, created_at) VALUES (1, 'imported', 'old text', 'imported', 'f.jsonl', ?)`).run(now)
      db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, created_at) VALUES (1, 'similarity', 0.5, 'imported', 'f.jsonl', ?)`).run(now)
      expect(migrate(db, loadMigrations().slice(0, 9))).toEqual([9])
      db.prepare(`UPDATE clips SET caption = 'new text', similarity = NULL WHERE id = 1`).run()
      expect(provenance(db, 1)).toEqual({
        captions: [{ scale: 'imported', text: 'old text', model_id: 'imported', model_revision: 'f.jsonl' }],
        scores: [{ kind: 'similarity', value: 0.5, model_id: 'imported', model_revision: 'f.jsonl', stale: 0 }],
      })
    } finally {
      db.close()
    }
  })
})
