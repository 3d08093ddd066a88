import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openProject, type ProjectContext } from '../../../src-main/core/project-context'
import { importDataset, type ImportOptions } from '../../../src-main/services/dataset-import.service'
import { parsedBatches } from '../../../src-main/services/dataset-import-source'
import { finishBulkLoad } from '../../../src-main/db/bulk-load-marker'
import { importDump } from '../../support/import-dump'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'
import { killedBulkImport } from '../../support/killed-bulk-import'
import { tempDir, tempProject } from '../../support/temp-project'


const dump = (ctx: ProjectContext) => importDump(ctx, ['dog', 'guitar', 'sunset', 'zebra'])

const line = (o: Record<string, unknown>) =>
  JSON.stringify({ YoutubeID: 'v', Start_timestamp: '00:00:01.000', End_timestamp: '00:00:02.000', Caption: 'a zebra', UMT_Score: 0.5, ...o })

describe('import pipeline (parse worker, staging table, bulk indexes)', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))
  const project = () => {
    const t = tempProject()
    cleanups.push(t.cleanup)
    return t
  }
  const withReport = async (ctx: ProjectContext, file: string, opts: ImportOptions) => ({ ...(await importDataset(ctx, file, opts)), seconds: 0, phases: null })

  it('parsing in a worker thread gives the same report, rows, provenance and media as parsing inline', async () => {
    const a = project()
    const root = join(a.dir, 'clips')
    mkdirSync(root)
    writeFileSync(join(root, 'v_00:00:03.000_00:00:04.000.mp4'), 'x')
    writeFileSync(join(a.dir, 'secret.mp4'), 'outside')
    symlinkSync(join(a.dir, 'secret.mp4'), join(root, 'v_00:00:05.000_00:00:06.000.mp4'))
    const rows = [...generateRows(700, { seed: 5, videos: 40 })].map((r) => JSON.stringify(r))
    // Validation rejections, media rejections (a link out of the root), duplicates and blanks,
    // spread over several batches: the report must list them in line order either way.
    rows.splice(10, 0, '{"YoutubeID": 1', '', line({ Start_timestamp: '00:00:03.000', End_timestamp: '00:00:04.000' }))
    rows.splice(300, 0, line({ Start_timestamp: '00:00:05.000', End_timestamp: '00:00:06.000' }), rows[5], '[]')
    rows.push(rows[0], line({ Caption: '' }))
    const file = join(a.dir, 'mixed.jsonl')
    writeFileSync(file, rows.join('\r\n'))
    const opts: ImportOptions = { videoRoot: root, pattern: '{root}/{YoutubeID}_{start}_{end}.mp4', batchSize: 64, bulk: 'on' }
    const inWorker = await withReport(a.ctx, file, { ...opts, parseWorker: 'on' })
    const b = project()
    const inline = await withReport(b.ctx, file, { ...opts, parseWorker: 'off' })
    expect(inWorker).toEqual(inline)
    expect(inWorker).toMatchObject({ rows_ok: 701, rows_existing: 2, rows_rejected_count: 4, media_found: 1 })
    expect(inWorker.rows_rejected.map((r) => r.line)).toEqual([11, 301, 303, 708])
    expect(inWorker.rows_rejected[1].reason).toMatch(/^path traversal: .* is a link to a file outside the video root$/)
    expect(dump(a.ctx)).toEqual(dump(b.ctx))
    expect(a.ctx.db.prepare('SELECT media_path FROM clips WHERE media_path IS NOT NULL').pluck().all()).toEqual([
      realpathSync(join(root, 'v_00:00:03.000_00:00:04.000.mp4')),
    ])
  })

  it('memory of the videos met is bounded: forgetting them between batches changes no row, count or verdict', async () => {
    const a = project()
    const root = join(a.dir, 'videos')
    mkdirSync(root)
    for (const v of [1, 2, 7, 30]) writeFileSync(join(root, `vid${String(v).padStart(8, '0')}.mp4`), 'x')
    writeFileSync(join(a.dir, 'secret.mp4'), 'outside')
    symlinkSync(join(a.dir, 'secret.mp4'), join(root, 'vid00000003.mp4'))
    const rows = [...generateRows(900, { seed: 6, videos: 120 })].map((r) => JSON.stringify(r))
    rows.push(rows[3], rows[500])
    const file = join(a.dir, 'many-videos.jsonl')
    writeFileSync(file, rows.join('\n'))
    const opts: ImportOptions = { videoRoot: root, batchSize: 64, bulk: 'on', parseWorker: 'off' }
    const small = await withReport(a.ctx, file, { ...opts, videoCacheMax: 5 })
    const b = project()
    const whole = await withReport(b.ctx, file, opts)
    expect(small).toEqual(whole)
    expect(whole).toMatchObject({ rows_existing: 2, videos_new: 119 })
    expect(whole.media_found).toBeGreaterThan(0)
    expect(whole.rows_rejected.length).toBeGreaterThan(0)
    expect(whole.rows_rejected[0].reason).toMatch(/outside the video root/)
    expect(dump(a.ctx)).toEqual(dump(b.ctx))
  })

  it('a read error in the parse worker reaches the caller with its code; worker and inline batches are the same', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const batches = parsedBatches(join(t.dir, 'vanished.jsonl'), { rows: 10, keepTimestampText: false, worker: true })
    await expect(batches.next()).rejects.toMatchObject({ code: 'ENOENT' })
    // Both ways give the same batches for a good file, and a consumer that stops early ends the worker.
    const file = join(t.dir, 'ok.jsonl')
    writeFileSync(file, Array.from({ length: 25 }, (_, i) => line({ Start_timestamp: `00:00:${String(i).padStart(2, '0')}.000`, End_timestamp: '00:01:00.000' })).join('\n'))
    const collect = async (worker: boolean) => {
      const out = []
      for await (const b of parsedBatches(file, { rows: 10, keepTimestampText: true, worker })) out.push({ ...b, line: [...b.line], num: [...b.num] })
      return out
    }
    expect(await collect(true)).toEqual(await collect(false))
    for await (const b of parsedBatches(file, { rows: 10, keepTimestampText: false, worker: true })) {
      expect(b.n).toBeGreaterThanOrEqual(10) // whole read chunks: a batch can run past `rows`
      break
    }
  })

  it('an import that fails between batches keeps the batches before it, restores what the bulk load dropped, and a re-import completes it exactly once', async () => {
    const t = project()
    const file = join(t.dir, 'big.jsonl')
    // ~2.8 MB: three 1 MB read chunks, so three batches (a batch is whole chunks).
    const ROWS = 10_000
    writeJsonl(file, generateRows(ROWS, { seed: 9 }))
    const schema = dump(t.ctx).schema
    let batches = 0
    const failing = importDataset(t.ctx, file, {
      bulk: 'on', parseWorker: 'on', batchSize: 1000,
      onProgress: () => {
        if (++batches === 2) throw new Error('disk unplugged')
      },
    })
    await expect(failing).rejects.toThrow('disk unplugged')
    const kept = t.ctx.db.prepare('SELECT count(*) FROM clips').pluck().get() as number
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(ROWS)
    expect(dump(t.ctx).schema).toEqual(schema)
    expect(dump(t.ctx).pending).toEqual([])
    const again = await importDataset(t.ctx, file, { bulk: 'on', parseWorker: 'on', batchSize: 1000 })
    expect(again).toMatchObject({ rows_ok: ROWS - kept, rows_existing: kept })
    const reference = project()
    await importDataset(reference.ctx, file, { bulk: 'off', parseWorker: 'off' })
    expect(dump(t.ctx)).toEqual(dump(reference.ctx))
  })

  it('writes without foreign-key probes yet leaves no dangling reference, and gives the connection its settings back', async () => {
    const t = project()
    const file = join(t.dir, 'rows.jsonl')
    writeJsonl(file, generateRows(5000, { seed: 4 }))
    const settings = () => ({
      foreign_keys: t.ctx.db.pragma('foreign_keys', { simple: true }),
      cache_size: t.ctx.db.pragma('cache_size', { simple: true }),
      threads: t.ctx.db.pragma('threads', { simple: true }),
    })
    const before = settings()
    expect(before.foreign_keys).toBe(1)
    await importDataset(t.ctx, file, { bulk: 'on', parseWorker: 'on', batchSize: 1000 })
    expect(settings()).toEqual(before)
    expect(t.ctx.db.pragma('foreign_key_check')).toEqual([])
    // The index build's own settings (small cache, sorter threads) are put back too, also when
    // the repair on open runs it on the project's main connection.
    finishBulkLoad(t.ctx.db, [])
    expect(settings()).toEqual(before)
    const failing = importDataset(t.ctx, file, { bulk: 'on', batchSize: 1000, onProgress: () => { throw new Error('stop') } })
    await expect(failing).rejects.toThrow('stop')
    expect(settings()).toEqual(before)
  })

  it('a bulk load killed with -9 mid-file is repaired by the next import: every row once, with provenance, indexes and search', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    // 120k rows (~33 MB): two bulk batches (100k + 20k), so a kill can land between commits.
    const ROWS = 120_000
    const { path, file } = await killedBulkImport(t.dir, ROWS, 3)
    const ctx = openProject(path)
    cleanups.unshift(() => ctx.close())
    // Opening already repaired the dropped indexes (test/unit/reliability/bulk-import-repair-on-open.test.ts).
    expect(dump(ctx).pending).toEqual([])
    const resumed = await importDataset(ctx, file, { bulk: 'on' })
    expect(resumed.rows_ok + resumed.rows_existing).toBe(ROWS)
    expect(resumed.rows_existing).toBeGreaterThan(0)
    const reference = project()
    await importDataset(reference.ctx, file, { bulk: 'off', parseWorker: 'off' })
    expect(dump(ctx)).toEqual(dump(reference.ctx))
    expect(ctx.db.pragma('integrity_check', { simple: true })).toBe('ok')
    ctx.db.exec("INSERT INTO clips_fts (clips_fts, rank) VALUES ('integrity-check', 1)")
  }, 240_000)
})
