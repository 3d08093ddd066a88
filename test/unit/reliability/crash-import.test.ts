import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { updateCaption } from '../../../src-main/services/caption.service'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { decideClip } from '../../../src-main/services/review.service'
import { CLIP_JOIN, CLIP_KEY, clipSet, runCrashHarness, type CrashStage } from '../../support/crash-harness'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'

/**
 * Bulk load (auto picks it for a file this size): 6k rows (~1.6 MB) in one transaction between
 * dropping and restoring the indexes. Batched (--bulk off): 12k rows, two 10k-row commits, so a
 * kill can land after the first and the resume must skip what it wrote.
 */
const ROWS = { auto: 6_000, off: 12_000 }
/** Rows imported (and curated) before the runs; the big file repeats them. */
const EARLIER = 300
const SEARCH_WORDS = ['man', 'guitar', 'sunset', 'kitchen', 'children', 'zebra']

function importStage(bulk: 'auto' | 'off'): CrashStage {
  return {
    name: `import-bulk-${bulk}`,
    async setup(inputs, workspace) {
      const file = join(inputs, 'internvid.jsonl')
      writeJsonl(file, generateRows(ROWS[bulk], { seed: 11 }))
      // Two bad lines mid-file: rejections must not shift what a resumed import writes.
      const lines = readFileSync(file, 'utf8').split('\n')
      lines.splice(ROWS[bulk] / 2, 0, '{"YoutubeID": "x", "Start_timestamp": "00:00:01.000", "End_tim', '[1, 2]')
      writeFileSync(file, lines.join('\n'))
      writeFileSync(join(inputs, 'earlier.jsonl'), lines.slice(0, EARLIER).join('\n'))
      const ctx = openProject(workspace.project, { create: true })
      try {
        await importDataset(ctx, join(inputs, 'earlier.jsonl'))
      } finally {
        ctx.close()
      }
    },
    // A re-import (the resume) meets these rows again: it must neither duplicate nor overwrite them.
    curate(ctx) {
      decideClip(ctx, { clipId: 1, action: 'reject', reason: 'watermark' })
      decideClip(ctx, { clipId: 2, action: 'accept' })
      updateCaption(ctx, 3, 'a zebra crossing a dusty road at noon')
      updateCaption(ctx, 4, 'two children flying a kite')
      decideClip(ctx, { clipId: 4, action: 'accept', reason: 'fixed caption' })
    },
    args: (run, inputs) => ['import', run.project, join(inputs, 'internvid.jsonl'), '--bulk', bulk, '--json'],
    snapshot: (db) => ({
      ...clipSet(db),
      rows: db.prepare(`SELECT ${CLIP_KEY}, c.caption, c.similarity, c.aesthetic, c.extra_json, c.status, c.media_path
        FROM ${CLIP_JOIN} ORDER BY 1, 2, 3`).raw().all(),
      videos: db.prepare('SELECT source_id, path, status FROM videos ORDER BY 1').raw().all(),
      // Provenance as readers see it: copied into captions/scores or still held by the clip (0009).
      captions: db.prepare(`SELECT ${CLIP_KEY}, k.scale, k.text, k.model_id, k.model_revision
        FROM captions_with_imported k JOIN clips c ON c.id = k.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4, 5, 6`).raw().all(),
      scores: db.prepare(`SELECT ${CLIP_KEY}, s.kind, s.value, s.model_id, s.model_revision, s.stale
        FROM scores_with_imported s JOIN clips c ON c.id = s.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4, 6, 7`).raw().all(),
      // A bulk load drops the clip indexes and the FTS insert trigger: all must be back, as they were.
      schema: db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY 2").raw().all(),
      settings: db.prepare('SELECT key FROM settings ORDER BY 1').pluck().all(),
      // ...and the search index must hold every caption (the curator's edits included), once.
      search: SEARCH_WORDS.map((w) => [w, db.prepare('SELECT count(*) FROM clips_fts WHERE clips_fts MATCH ?').pluck().get(w)]),
    }),
  }
}

describe('crash harness: JSONL import (vicurate import)', () => {
  it('bulk load: after kill -9 at 20 seeded random moments and a resume, has the reference rows, indexes and search index, and keeps curator work', async () => {
    const r = await runCrashHarness(importStage('auto'))
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
  }, 600_000)

  it('batched (--bulk off): after kill -9 at 20 seeded random moments and a resume, has the reference rows exactly once, and keeps curator work', async () => {
    const r = await runCrashHarness(importStage('off'))
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
  }, 600_000)
})
