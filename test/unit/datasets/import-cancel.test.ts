import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { runJob } from '../../../src-main/jobs/job-runner'
import { ImportCancelledError, importDataset } from '../../../src-main/services/dataset-import.service'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'
import { tempProject } from '../../support/temp-project'

/**
 * Cancelling a running import: it stops between batches, keeps what it committed, puts back the
 * indexes and the FTS trigger a bulk load drops, and importing the same file again completes it
 * with every row exactly once (clips are UNIQUE on video, start, end).
 */
const ROWS = 20_000 // ~6 MB: several 1 MB-rounded batches

const schema = (ctx: ProjectContext) => ctx.db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY name").raw().all()
const count = (ctx: ProjectContext, sql: string) => ctx.db.prepare(sql).pluck().get() as number

describe('cancelling an import', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))
  function setup(rows = ROWS) {
    const t = tempProject()
    cleanups.push(t.cleanup)
    const file = join(t.dir, 'flt.jsonl')
    writeJsonl(file, generateRows(rows, { seed: 11 }))
    return { ctx: t.ctx, file, schemaBefore: schema(t.ctx) }
  }

  it('stops after the batch in hand, keeps committed rows, restores indexes and the FTS trigger; a re-import completes it once', async () => {
    const { ctx, file, schemaBefore } = setup()
    const abort = new AbortController()
    let batches = 0
    const err = await importDataset(ctx, file, {
      bulk: 'on',
      parseWorker: 'off',
      batchSize: 1000,
      signal: abort.signal,
      onProgress: (p) => p.phase === 'loading' && ++batches === 2 && abort.abort(),
    }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ImportCancelledError)
    const cancelled = (err as ImportCancelledError).report
    expect(batches).toBe(2)
    expect(cancelled.rows_ok).toBeGreaterThan(0)
    expect(cancelled.rows_ok).toBeLessThan(ROWS)
    expect((err as ImportCancelledError).message).toMatch(new RegExp(`after ${cancelled.rows_ok} rows \\(lines 1–${(err as ImportCancelledError).lines}\\)`))

    // Committed batches stay; the bulk load's indexes and FTS trigger are back, the search index whole.
    expect(count(ctx, 'SELECT count(*) FROM clips')).toBe(cancelled.rows_ok)
    expect(schema(ctx)).toEqual(schemaBefore)
    expect(count(ctx, 'SELECT count(*) FROM clips_fts')).toBe(cancelled.rows_ok)
    expect(count(ctx, "SELECT count(*) FROM settings WHERE key LIKE 'dataset_import.%'")).toBe(0)
    ctx.db.prepare("UPDATE clips SET caption = 'a quokka waves' WHERE id = 1").run()
    expect(count(ctx, "SELECT count(*) FROM clips_fts WHERE clips_fts MATCH 'quokka'")).toBe(1)

    const again = await importDataset(ctx, file, { bulk: 'on', parseWorker: 'off', batchSize: 1000 })
    expect(again.rows_existing).toBe(cancelled.rows_ok)
    expect(again.rows_ok).toBe(ROWS - cancelled.rows_ok)
    expect(count(ctx, 'SELECT count(*) FROM clips')).toBe(ROWS)
    expect(count(ctx, 'SELECT count(*) FROM (SELECT video_id, start_s, end_s FROM clips GROUP BY 1, 2, 3 HAVING count(*) > 1)')).toBe(0)
    expect(count(ctx, "SELECT count(*) FROM captions_with_imported WHERE scale = 'imported'")).toBe(ROWS)
    expect(schema(ctx)).toEqual(schemaBefore)
  })

  it('the import job ends "cancelled" and its last progress says how many rows it kept', async () => {
    // The job picks its own batch size: a bulk load writes 100k rows at a time, so two batches
    // need more rows than that (and at ~40 MB the parse runs in its worker thread, stopped too).
    const rows = 130_000
    const { ctx, file } = setup(rows)
    const abort = new AbortController()
    const seen: string[] = []
    const r = await runJob(ctx, { name: 'import', data: { file } }, {
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p.detail ?? '')
        if (p.done > 0) abort.abort()
      },
    })
    expect(r.outcome).toBe('cancelled')
    const kept = count(ctx, 'SELECT count(*) FROM clips')
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(rows)
    expect(seen.at(-1)).toBe(`cancelled after ${kept} clips imported (lines 1–${kept}); import the same file again to finish`)
    expect(ctx.db.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(r.jobId)).toBe('cancelled')
  })
})
