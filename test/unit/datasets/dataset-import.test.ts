import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { MAX_CAPTION_CHARS } from '../../../src-main/services/dataset-annotation'
import { importDataset, repairInterruptedImport, type ImportOptions } from '../../../src-main/services/dataset-import.service'
import { tempProject } from '../../support/temp-project'

const row = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ YoutubeID: 'abc', Start_timestamp: '00:00:01.200', End_timestamp: '00:00:05.000', Caption: 'a dog runs', UMT_Score: 0.41, Aesthetic_Score: 4.8, ...over })

describe('dataset import', () => {
  let t: ReturnType<typeof tempProject>
  afterEach(() => t?.cleanup())
  const setup = () => (t = tempProject())
  const write = (name: string, text: string) => {
    const p = join(t.dir, name)
    writeFileSync(p, text)
    return p
  }
  const run = (ctx: ProjectContext, file: string, opts: ImportOptions = {}) => importDataset(ctx, file, opts)
  const count = (sql: string) => (t.ctx.db.prepare(sql).get() as { n: number }).n

  it('rejects each bad line with its line number and a specific reason, and imports the rest', async () => {
    setup()
    const lines = [
      row({ YoutubeID: 'ok1' }), // 1
      '{"YoutubeID": "x", "Start_timestamp": "00:00:01.000", "End_tim', // 2 truncated
      '[1, 2, 3]', // 3
      JSON.stringify({ YoutubeID: 'x', Start_timestamp: '00:00:01.000', End_timestamp: '00:00:02.000' }), // 4 no Caption
      row({ UMT_Score: 'high' }), // 5
      row({ Start_timestamp: '1:2' }), // 6
      row({ Start_timestamp: '00:00:09.000' }), // 7 end before start
      row({ Caption: 'x'.repeat(200 * 1024) }), // 8 200 KB caption
      row({ YoutubeID: '../../etc/passwd' }), // 9
      '', // 10 blank: skipped, not an error
      row({ YoutubeID: 42 }), // 11
      row({ End_timestamp: '00:00:01.200' }), // 12 empty clip
      '{"YoutubeID": "x",}', // 13 not JSON
      row({ Caption: '   ' }), // 14
      row({ YoutubeID: 'ok2' }), // 15
      '   ', // 16 whitespace only
    ]
    const report = await run(t.ctx, write('bad.jsonl', lines.join('\n')))
    expect(report.rows_ok).toBe(2)
    expect(report.rows_rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/^truncated JSON/) },
      { line: 3, reason: 'not a JSON object (got array)' },
      { line: 4, reason: 'missing field "Caption"' },
      { line: 5, reason: 'wrong type for "UMT_Score": expected a number or null, got string' },
      { line: 6, reason: 'malformed Start_timestamp "1:2" (expected HH:MM:SS.mmm)' },
      { line: 7, reason: 'End_timestamp 00:00:05.000 is before Start_timestamp 00:00:09.000' },
      { line: 8, reason: `Caption is ${200 * 1024} characters, over the ${MAX_CAPTION_CHARS}-character limit` },
      { line: 9, reason: 'path traversal: YoutubeID "../../etc/passwd" contains a path separator' },
      { line: 11, reason: 'wrong type for "YoutubeID": expected a string, got number' },
      { line: 12, reason: 'End_timestamp equals Start_timestamp (00:00:01.200): empty clip' },
      { line: 13, reason: expect.stringMatching(/^invalid JSON/) },
      { line: 14, reason: 'Caption is empty' },
    ])
    expect(report.rows_rejected_count).toBe(12)
    // No partial rows: exactly the two good lines, each with its caption and two scores.
    expect(count('SELECT count(*) AS n FROM clips')).toBe(2)
    expect(count('SELECT count(*) AS n FROM videos')).toBe(2)
    expect(count("SELECT count(*) AS n FROM captions_with_imported WHERE scale = 'imported'")).toBe(2)
    expect(count('SELECT count(*) AS n FROM scores_with_imported')).toBe(4)
  })

  it('tolerates a BOM and CRLF line ends, and a last line without a newline', async () => {
    setup()
    const file = write('bom.jsonl', `\uFEFF${row({ YoutubeID: 'a' })}\r\n\r\n${row({ YoutubeID: 'b', Caption: 'ends with CR?' })}\r\n${row({ YoutubeID: 'c' })}`)
    const report = await run(t.ctx, file)
    expect(report).toMatchObject({ rows_ok: 3, rows_rejected: [] })
    const captions = t.ctx.db.prepare('SELECT caption FROM clips ORDER BY id').pluck().all()
    expect(captions).toEqual(['a dog runs', 'ends with CR?', 'a dog runs'])
  })

  it('stores the caption, scores with provenance and the extra fields in their order', async () => {
    setup()
    const file = write('ds.jsonl', row({ zeta: 1, alpha: { nested: [1, 'x'] }, Frame: null }) + '\n')
    await run(t.ctx, file)
    const clip = t.ctx.db.prepare('SELECT * FROM clips').get() as Record<string, unknown>
    expect(clip).toMatchObject({ start_s: 1.2, end_s: 5, caption: 'a dog runs', similarity: 0.41, aesthetic: 4.8, status: 'pending' })
    expect(clip.extra_json).toBe('{"zeta":1,"alpha":{"nested":[1,"x"]},"Frame":null}')
    // Provenance once per import (0009): no captions/scores rows until a value is replaced.
    expect(count('SELECT count(*) AS n FROM captions') + count('SELECT count(*) AS n FROM scores')).toBe(0)
    expect(t.ctx.db.prepare('SELECT scale, text, model_id, model_revision FROM captions_with_imported').get()).toEqual({
      scale: 'imported', text: 'a dog runs', model_id: 'imported', model_revision: 'ds.jsonl',
    })
    expect(t.ctx.db.prepare('SELECT kind, value, model_id, model_revision, stale FROM scores_with_imported ORDER BY kind').all()).toEqual([
      { kind: 'aesthetic', value: 4.8, model_id: 'imported', model_revision: 'ds.jsonl', stale: 0 },
      { kind: 'similarity', value: 0.41, model_id: 'imported', model_revision: 'ds.jsonl', stale: 0 },
    ])
    // Missing scores are simply absent, not zero.
    await run(t.ctx, write('noscore.jsonl', JSON.stringify({ YoutubeID: 'n', Start_timestamp: '00:00:00', End_timestamp: '00:00:02.5', Caption: 'c' })))
    expect(t.ctx.db.prepare("SELECT similarity, aesthetic FROM clips c JOIN videos v ON v.id = c.video_id WHERE v.source_id = 'n'").get()).toEqual({ similarity: null, aesthetic: null })
    expect(count('SELECT count(*) AS n FROM scores_with_imported')).toBe(2)
  })

  it('re-importing the same file adds no rows', async () => {
    setup()
    const file = write('a.jsonl', [row({ YoutubeID: 'a' }), row({ YoutubeID: 'b' }), row({ YoutubeID: 'a' })].join('\n'))
    const first = await run(t.ctx, file)
    expect(first).toMatchObject({ rows_ok: 2, rows_existing: 1 })
    const again = await run(t.ctx, file)
    expect(again).toMatchObject({ rows_ok: 0, rows_existing: 3, videos_new: 0 })
    expect(count('SELECT count(*) AS n FROM clips')).toBe(2)
    expect(count('SELECT count(*) AS n FROM captions_with_imported')).toBe(2)
    expect(count('SELECT count(*) AS n FROM scores_with_imported')).toBe(4)
  })

  it('maps whole videos by the default pattern: found ones get a path, missing ones stay reviewable', async () => {
    setup()
    const root = join(t.dir, 'media')
    mkdirSync(root)
    writeFileSync(join(root, 'here.mp4'), 'not really a video')
    const file = write('m.jsonl', [row({ YoutubeID: 'here' }), row({ YoutubeID: 'gone', Caption: 'a red car' })].join('\n'))
    const report = await run(t.ctx, file, { videoRoot: root })
    expect(report).toMatchObject({ rows_ok: 2, media_found: 1, media_missing: 1 })
    const videos = t.ctx.db.prepare('SELECT source_id, path, status, root_id IS NOT NULL AS has_root FROM videos ORDER BY source_id').all()
    expect(videos).toEqual([
      { source_id: 'gone', path: null, status: 'missing', has_root: 0 },
      { source_id: 'here', path: realpathSync(join(root, 'here.mp4')), status: 'ok', has_root: 1 },
    ])
    expect(t.ctx.repos.videos.listRoots().map((r) => r.path)).toEqual([realpathSync(root)])
    // The missing video's clip is still searchable by caption.
    expect(t.ctx.db.prepare("SELECT rowid FROM clips_fts WHERE clips_fts MATCH 'red car'").pluck().all()).toHaveLength(1)
    // The media arrives later: a re-import attaches it without duplicating clips.
    writeFileSync(join(root, 'gone.mp4'), 'x')
    const again = await run(t.ctx, file, { videoRoot: root })
    expect(again).toMatchObject({ rows_ok: 0, rows_existing: 2 })
    expect(t.ctx.db.prepare("SELECT status FROM videos WHERE source_id = 'gone'").pluck().get()).toBe('ok')
  })

  it('maps clip files named {YoutubeID}_{start}_{end}.mp4 and {start_s}/{end_s}', async () => {
    setup()
    const root = join(t.dir, 'clips')
    mkdirSync(root)
    writeFileSync(join(root, 'abc_00:00:01.200_00:00:05.000.mp4'), 'x')
    writeFileSync(join(root, 'abc_1.200_5.000.webm'), 'x')
    const file = write('c.jsonl', [row(), row({ Start_timestamp: '00:00:06.000', End_timestamp: '00:00:07.000' })].join('\n'))
    const r1 = await run(t.ctx, file, { videoRoot: root, pattern: '{root}/{YoutubeID}_{start}_{end}.mp4' })
    expect(r1).toMatchObject({ rows_ok: 2, media_found: 1, media_missing: 1 })
    const paths = t.ctx.db.prepare('SELECT media_path FROM clips ORDER BY start_s').pluck().all()
    expect(paths).toEqual([realpathSync(join(root, 'abc_00:00:01.200_00:00:05.000.mp4')), null])
    const t2 = tempProject()
    try {
      const r2 = await importDataset(t2.ctx, file, { videoRoot: root, pattern: '{root}/{YoutubeID}_{start_s}_{end_s}.webm' })
      expect(r2).toMatchObject({ media_found: 1, media_missing: 1 })
    } finally {
      t2.cleanup()
    }
  })

  it('never resolves a path outside the video root', async () => {
    setup()
    const root = join(t.dir, 'media')
    mkdirSync(root)
    writeFileSync(join(t.dir, 'secret.mp4'), 'outside')
    symlinkSync(join(t.dir, 'secret.mp4'), join(root, 'link.mp4'))
    const file = write('tr.jsonl', [row({ YoutubeID: '..' }), row({ YoutubeID: 'a\\..\\b' }), row({ YoutubeID: 'link' })].join('\n'))
    const report = await run(t.ctx, file, { videoRoot: root })
    expect(report.rows_ok).toBe(0)
    expect(report.rows_rejected).toEqual([
      { line: 1, reason: 'path traversal: YoutubeID ".." names a directory' },
      { line: 2, reason: 'path traversal: YoutubeID "a\\..\\b" contains a path separator' },
      { line: 3, reason: expect.stringMatching(/^path traversal: .*link\.mp4 is a link to a file outside the video root$/) },
    ])
    expect(count('SELECT count(*) AS n FROM videos WHERE path IS NOT NULL')).toBe(0)
    await expect(run(t.ctx, file, { videoRoot: root, pattern: '{root}/../{YoutubeID}.mp4' })).rejects.toThrow(/inside the video root/)
    await expect(run(t.ctx, file, { videoRoot: root, pattern: '{root}/{Caption}.mp4' })).rejects.toThrow(/unknown placeholder \{Caption\}/)
  })

  it('bulk load gives the same rows, indexes and search as the row-by-row path', async () => {
    setup()
    const lines = Array.from({ length: 300 }, (_, i) => row({ YoutubeID: `v${i % 37}`, Start_timestamp: `00:00:${String(i % 50).padStart(2, '0')}.000`, End_timestamp: `00:01:${String(i % 50).padStart(2, '0')}.500`, Caption: `clip ${i} ${i % 3 ? 'dog' : 'cat'}` }))
    const file = write('b.jsonl', lines.join('\n'))
    const bulk = await run(t.ctx, file, { bulk: 'on', batchSize: 64 })
    const t2 = tempProject()
    try {
      const plain = await importDataset(t2.ctx, file, { bulk: 'off', batchSize: 64 })
      expect({ ...bulk, seconds: 0, phases: null, bulk: false }).toEqual({ ...plain, seconds: 0, phases: null })
      const dump = (ctx: ProjectContext) => ctx.db.prepare('SELECT video_id, start_s, end_s, caption, similarity FROM clips ORDER BY id').all()
      expect(dump(t.ctx)).toEqual(dump(t2.ctx))
      const indexes = (ctx: ProjectContext) => ctx.db.prepare(`SELECT name, sql FROM sqlite_schema
        WHERE tbl_name IN ('clips', 'captions', 'scores') AND type IN ('index', 'trigger') ORDER BY name`).all()
      expect(indexes(t.ctx)).toEqual(indexes(t2.ctx))
      const dogs = "SELECT count(*) AS n FROM clips_fts WHERE clips_fts MATCH 'dog'"
      expect(count(dogs)).toBe(200)
      expect(t.ctx.db.pragma('integrity_check', { simple: true })).toBe('ok')
      t.ctx.db.exec("INSERT INTO clips_fts(clips_fts) VALUES ('integrity-check')")
    } finally {
      t2.cleanup()
    }
  })

  it('tells its progress per batch, and once more before a bulk load builds its indexes (minutes at 10M rows, silent otherwise)', async () => {
    setup()
    const lines = Array.from({ length: 300 }, (_, i) => row({ YoutubeID: `v${i % 7}`, Start_timestamp: `00:00:${String(i % 60).padStart(2, '0')}.000`, End_timestamp: `00:01:${String(i % 60).padStart(2, '0')}.500` }))
    // Two 1 MB read chunks, so two batches (a batch is whole chunks).
    const file = write('p.jsonl', [...lines, ...lines.map((l) => l.replace('a dog runs', `a dog runs ${'x'.repeat(4000)}`))].join('\n'))
    for (const bulk of ['on', 'off'] as const) {
      const seen: { phase: string; indexed: boolean }[] = []
      const indexed = () => count("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'clips_video_span'") === 1
      await run(t.ctx, file, { bulk, batchSize: 64, onProgress: (p) => seen.push({ phase: p.phase, indexed: indexed() }) })
      expect(seen.filter((s) => s.phase === 'loading').length).toBeGreaterThanOrEqual(2)
      expect(seen.slice(0, -1).every((s) => s.phase === 'loading')).toBe(true)
      // The last call comes before the rebuild, while the indexes are still dropped.
      expect(seen.at(-1)).toEqual(bulk === 'on' ? { phase: 'indexing', indexed: false } : { phase: 'loading', indexed: true })
    }
  })

  it('repairs a bulk load that was killed with its indexes dropped', async () => {
    setup()
    await run(t.ctx, write('a.jsonl', row({ Caption: 'first zebra' })), { bulk: 'off' })
    // Simulate the state a crash leaves: indexes and trigger dropped, marker written, rows added.
    const { createDatasetRepository } = await import('../../../src-main/db/repositories/dataset.repository')
    const repo = createDatasetRepository(t.ctx.db)
    const sql = repo.dropClipIndexes()
    t.ctx.db.prepare("INSERT INTO settings (key, value_json) VALUES ('dataset_import.pending_index_rebuild', ?)").run(JSON.stringify({ sql }))
    const vid = repo.insertVideo('late', null, null, 'now')
    repo.insertClip({ videoId: vid, startS: 0, endS: 1, caption: 'second zebra', similarity: null, aesthetic: null, extraJson: null, mediaPath: null }, 'now')
    // A curator edits a caption meanwhile: the update trigger deletes an index entry never added.
    t.ctx.db.prepare("UPDATE clips SET caption = 'second zebra edited' WHERE video_id = ?").run(vid)
    expect(count("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'clips_similarity_id'")).toBe(0)
    expect(repairInterruptedImport(t.ctx)).toBe(true)
    expect(count("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('clips_similarity_id', 'clips_fts_ai')")).toBe(2)
    expect(count("SELECT count(*) AS n FROM clips_fts WHERE clips_fts MATCH 'zebra'")).toBe(2)
    expect(count("SELECT count(*) AS n FROM clips_fts WHERE clips_fts MATCH 'edited'")).toBe(1)
    t.ctx.db.exec("INSERT INTO clips_fts(clips_fts, rank) VALUES ('integrity-check', 1)")
    expect(repairInterruptedImport(t.ctx)).toBe(false)
  })

  it('rejects an over-long line without holding it, and goes on', async () => {
    setup()
    const { readLinesChunked } = await import('../../../src-main/services/dataset-line-reader')
    const file = write('long.txt', `short\n${'y'.repeat(5000)}\nafter\n${'z'.repeat(3000)}`)
    const seen: { line: number; text: string; tooLong: boolean }[] = []
    await readLinesChunked(file, { maxChars: 1000, highWaterMark: 512 }, (ls) => seen.push(...ls))
    expect(seen).toEqual([
      { line: 1, text: 'short', tooLong: false },
      { line: 2, text: '', tooLong: true },
      { line: 3, text: 'after', tooLong: false },
      { line: 4, text: '', tooLong: true },
    ])
  })
})
