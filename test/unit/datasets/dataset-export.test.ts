import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DivSampler, clipIdentity } from '../../../src-main/services/dataset-div-sampling'
import { exportDataset } from '../../../src-main/services/dataset-export.service'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { parseWhere, type SelectionSpec } from '../../../src-main/services/export-filters'
import { decideClip } from '../../../src-main/services/review.service'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'
import { seedClips, tempProject } from '../../support/temp-project'
import { formatTimestamp } from '../../../src-main/media/timecode'

const ALL: SelectionSpec = { status: 'all', where: [], topPercent: null, div: null, preset: null }
const readJsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)

describe('dataset export', () => {
  let t: ReturnType<typeof tempProject>
  afterEach(() => t?.cleanup())
  const setup = () => (t = tempProject())
  const load = async (rows: unknown[]) => {
    const file = join(t.dir, 'in.jsonl')
    writeJsonl(file, rows)
    const r = await importDataset(t.ctx, file, {})
    expect(r.rows_rejected).toEqual([])
  }
  const out = (name = 'out.jsonl') => join(t.dir, name)

  it('round trip: import then export with no filter gives the same rows, same key order', async () => {
    setup()
    const rows = [...generateRows(2000, { seed: 7 })]
    await load(rows)
    const r = exportDataset(t.ctx, out(), ALL)
    expect(r.rows).toBe(2000)
    const text = readFileSync(out(), 'utf8')
    // Byte-identical to JSON.stringify of the input (its keys are already in the documented order).
    const byKey = (o: Record<string, unknown>) => `${o.YoutubeID}|${o.Start_timestamp}|${o.End_timestamp}`
    const expected = new Map(rows.map((o) => [byKey(o), JSON.stringify(o)]))
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(expected.size)
    for (const line of lines) expect(line).toBe(expected.get(byKey(JSON.parse(line) as Record<string, unknown>)))
    // Exported in id (= import) order.
    expect(lines[0]).toBe(JSON.stringify(rows[0]))
  })

  it('an export over an earlier one never leaves the earlier manifest beside the new file, even when the new manifest cannot be written', async () => {
    setup()
    await load([...generateRows(300, { seed: 3 })])
    exportDataset(t.ctx, out(), ALL)
    const manifestPath = `${out()}.manifest.json`
    expect(JSON.parse(readFileSync(manifestPath, 'utf8'))).toMatchObject({ rows: 300 })
    // The manifest's temporary name is taken by a folder: its write fails after the data file
    // has been replaced (as a full disk or a crash at that moment would).
    mkdirSync(`${manifestPath}.tmp-${process.pid}`)
    expect(() => exportDataset(t.ctx, out(), { ...ALL, where: [parseWhere('similarity>=0.5')] })).toThrow()
    const rows = readJsonl(out()).length
    expect(rows).toBeLessThan(300)
    expect(existsSync(manifestPath)).toBe(false)
    // Exporting again once the disk is fine gives a matching pair.
    rmSync(`${manifestPath}.tmp-${process.pid}`, { recursive: true })
    exportDataset(t.ctx, out(), ALL)
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { sha256: string; rows: number }
    expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(out())).digest('hex'))
    expect(manifest.rows).toBe(300)
  })

  it('manifest records filters and counts, and its sha256 matches the file; no temp files are left', async () => {
    setup()
    await load([...generateRows(300, { seed: 2 })])
    const spec: SelectionSpec = { ...ALL, where: [parseWhere('similarity>=0.5')] }
    const r = exportDataset(t.ctx, out(), spec)
    const manifest = JSON.parse(readFileSync(`${out()}.manifest.json`, 'utf8')) as { sha256: string; score_models: unknown[]; hours_of_video: number }
    expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(out())).digest('hex'))
    expect(manifest).toMatchObject({ rows: r.rows, bytes: readFileSync(out()).length, filters: { where: ['similarity>=0.5'], status: 'all' } })
    expect(manifest.score_models).toEqual([
      { kind: 'aesthetic', model_id: 'imported', model_revision: 'in.jsonl', clips: r.rows },
      { kind: 'similarity', model_id: 'imported', model_revision: 'in.jsonl', clips: r.rows },
    ])
    // A project mixing models per kind: counted per exported clip.
    const firstId = t.ctx.db.prepare('SELECT min(id) FROM clips WHERE similarity >= 0.5').pluck().get() as number
    t.ctx.db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, created_at) VALUES (?, 'similarity', 0.9, 'viclip-b16', 'r1', 'now')`).run(firstId)
    t.ctx.db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, created_at) VALUES (?, 'aesthetic', 1, 'laion', 'r1', 'now')`).run(
      t.ctx.db.prepare('SELECT min(id) FROM clips WHERE similarity < 0.5').pluck().get())
    exportDataset(t.ctx, out(), spec)
    const mixed = JSON.parse(readFileSync(`${out()}.manifest.json`, 'utf8')) as { score_models: unknown[] }
    expect(mixed.score_models).toEqual([
      { kind: 'aesthetic', model_id: 'imported', model_revision: 'in.jsonl', clips: r.rows },
      { kind: 'similarity', model_id: 'imported', model_revision: 'in.jsonl', clips: r.rows },
      { kind: 'similarity', model_id: 'viclip-b16', model_revision: 'r1', clips: 1 },
    ])
    const hours = readJsonl(out()).reduce((s, o) => s + (toS(o.End_timestamp) - toS(o.Start_timestamp)), 0) / 3600
    expect(manifest.hours_of_video).toBeCloseTo(hours, 6)
    expect(readdirSync(t.dir).filter((f) => f.includes('.tmp-'))).toEqual([])
  })

  it('--where filters with bound parameters and rejects anything but FIELD OP NUMBER', async () => {
    setup()
    await load([...generateRows(500, { seed: 3 })])
    exportDataset(t.ctx, out(), { ...ALL, where: [parseWhere('similarity >= 0.3'), parseWhere('duration<=10')] })
    const rows = readJsonl(out())
    const all = [...generateRows(500, { seed: 3 })]
    const expected = all.filter((o) => o.UMT_Score >= 0.3 && toS(o.End_timestamp) - toS(o.Start_timestamp) <= 10 + 1e-9)
    expect(rows.length).toBe(expected.length)
    expect(rows.every((o) => (o.UMT_Score as number) >= 0.3)).toBe(true)
    for (const bad of ['similarity>=0.3; DROP TABLE clips', 'caption LIKE x', 'status=1', 'similarity>=', 'similarity>=0x10', 'duration<=1e999']) {
      expect(() => parseWhere(bad)).toThrow(/--where/)
    }
  })

  it('--top-percent is rank based: exactly ceil(P% × N) best rows, ties broken by id', async () => {
    setup()
    // 10 clips with tied scores: ranks must still cut at exactly 3.
    await load(Array.from({ length: 10 }, (_, i) => ({
      YoutubeID: `v${i}`, Start_timestamp: '00:00:00.000', End_timestamp: '00:00:02.000', Caption: `c${i}`, UMT_Score: [0.9, 0.5, 0.5, 0.5, 0.5, 0.1, 0.2, 0.3, 0.4, 0.45][i], Aesthetic_Score: null,
    })))
    const r = exportDataset(t.ctx, out(), { ...ALL, topPercent: { percent: 30, by: 'similarity' } })
    expect(r.counts.after_top_percent).toBe(3)
    expect(readJsonl(out()).map((o) => o.YoutubeID)).toEqual(['v0', 'v3', 'v4'])
    // Unscored clips are never "top": by aesthetic (all null) keeps nothing.
    expect(exportDataset(t.ctx, out(), { ...ALL, topPercent: { percent: 50, by: 'aesthetic' } }).rows).toBe(0)
  })

  it('DIV sampling is deterministic for a seed and changes with it', async () => {
    setup()
    await load([...generateRows(3000, { seed: 5, videos: 200 })])
    const pick = (seed: number) => {
      exportDataset(t.ctx, out(), { ...ALL, div: { n: 400, seed } })
      return readFileSync(out(), 'utf8')
    }
    const a = pick(11)
    expect(a.trimEnd().split('\n')).toHaveLength(400)
    expect(pick(11)).toBe(a)
    expect(pick(12)).not.toBe(a)
    // Sampling only ever removes rows: every sampled row is one of the candidates, unchanged.
    const full = new Set(exportDataset(t.ctx, out('all.jsonl'), ALL) && readFileSync(out('all.jsonl'), 'utf8').trimEnd().split('\n'))
    expect(a.trimEnd().split('\n').every((l) => full.has(l))).toBe(true)
  })

  it('DIV weights each clip by 1/(clips of its video): a video with many clips is not over-sampled', async () => {
    // Video "big" has 20 clips, 20 other videos have 1 each. Uniform sampling of 1 clip would
    // choose "big" half the time; DIV gives it total weight 20 × 1/20 = 1 of 21.
    const pool = [
      ...Array.from({ length: 20 }, (_, i) => ({ id: i + 1, videoClips: 20, identity: clipIdentity('big', i, i + 0.5) })),
      ...Array.from({ length: 20 }, (_, i) => ({ id: 21 + i, videoClips: 1, identity: clipIdentity(`s${i}`, 0, 0.5) })),
    ]
    const trials = 6000
    let big = 0
    let bigInTen = 0
    for (let seed = 0; seed < trials; seed++) {
      const one = new DivSampler(1, seed, pool.length)
      const ten = new DivSampler(10, seed, pool.length)
      for (const c of pool) {
        one.offer(c)
        ten.offer(c)
      }
      if (one.selectedIds()[0] <= 20) big++
      const picked = ten.selectedIds()
      expect(new Set(picked).size).toBe(10) // without replacement
      bigInTen += picked.filter((id) => id <= 20).length
    }
    // P(big) = 1/21 ≈ 0.0476 (sd ≈ 0.0027 over 6000 trials); uniform would be 0.5.
    expect(big / trials).toBeGreaterThan(0.0476 - 0.012)
    expect(big / trials).toBeLessThan(0.0476 + 0.012)
    // Of 10 draws, "big" gets a little over 10/21 ≈ 0.48 on average (its share grows as singles
    // are drawn: ≈ 0.6 by exact enumeration of the sequential draws); uniform would give 5.
    expect(bigInTen / trials).toBeGreaterThan(0.5)
    expect(bigInTen / trials).toBeLessThan(0.7)
    // Asking for every candidate returns every candidate.
    const all = new DivSampler(40, 0, pool.length)
    for (const c of pool) all.offer(c)
    expect([...all.selectedIds()]).toEqual(pool.map((c) => c.id))
  })

  it('DIV through the export spreads the sample across videos', async () => {
    setup()
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => ({ YoutubeID: 'big', Start_timestamp: `00:00:${String(i).padStart(2, '0')}.000`, End_timestamp: `00:00:${String(i).padStart(2, '0')}.500`, Caption: 'x' })),
      ...Array.from({ length: 30 }, (_, i) => ({ YoutubeID: `s${i}`, Start_timestamp: '00:00:00.000', End_timestamp: '00:00:00.500', Caption: 'x' })),
    ]
    await load(rows)
    let big = 0
    for (let seed = 0; seed < 40; seed++) {
      exportDataset(t.ctx, out(), { ...ALL, div: { n: 10, seed } })
      big += readJsonl(out()).filter((o) => o.YoutubeID === 'big').length
    }
    // Expected ≈ 10 × 1/31 per export → about 13 of 400 (uniform: 200).
    expect(big).toBeLessThan(40)
    expect(big).toBeGreaterThan(0)
  })

  it('presets: flt drops < 1 s and > 120 s, keeps the top 30 % by similarity, then DIV; aes keeps aesthetic ≥ 4', async () => {
    setup()
    const rows = [...generateRows(2000, { seed: 9 })]
    await load(rows)
    const dur = (o: Record<string, unknown>) => toS(o.End_timestamp) - toS(o.Start_timestamp)
    const inRange = rows.filter((o) => dur(o) >= 1 && dur(o) <= 120)
    expect(inRange.length).toBeLessThan(rows.length) // the generator makes some of each
    const flt = exportDataset(t.ctx, out(), { ...ALL, preset: 'flt', div: { n: 100, seed: 1 } })
    expect(flt.counts).toEqual({ filtered: inRange.length, after_top_percent: Math.ceil(inRange.length * 0.3), after_div: 100 })
    const got = readJsonl(out())
    const cut = [...inRange].sort((a, b) => b.UMT_Score - a.UMT_Score)[Math.ceil(inRange.length * 0.3) - 1].UMT_Score
    expect(got.every((o) => dur(o) >= 1 && dur(o) <= 120 && (o.UMT_Score as number) >= cut)).toBe(true)
    const noDiv = exportDataset(t.ctx, out(), { ...ALL, preset: 'flt' })
    expect(noDiv.rows).toBe(Math.ceil(inRange.length * 0.3)) // default N (10M) exceeds the candidates
    const aes = exportDataset(t.ctx, out(), { ...ALL, preset: 'aes' })
    expect(aes.rows).toBe(rows.filter((o) => o.Aesthetic_Score >= 4).length)
    expect(readJsonl(out()).every((o) => (o.Aesthetic_Score as number) >= 4)).toBe(true)
  })

  it('status filter, Caption_Original after a curator edit, and --with-review fields', async () => {
    setup()
    await load([...generateRows(5, { seed: 4, videos: 5 })])
    const ids = t.ctx.db.prepare('SELECT id FROM clips ORDER BY id').pluck().all() as number[]
    const original = t.ctx.db.prepare('SELECT caption FROM clips WHERE id = ?').pluck().get(ids[0]) as string
    t.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?').run('a curated caption', ids[0])
    t.ctx.repos.events.append({ clipId: ids[0], kind: 'caption', action: 'edit', valueBefore: original, valueAfter: 'a curated caption', reviewer: 'ann' })
    decideClip(t.ctx, { clipId: ids[0], action: 'accept' })
    decideClip(t.ctx, { clipId: ids[1], action: 'reject' })
    exportDataset(t.ctx, out(), { ...ALL, status: 'not-rejected' }, { withReview: true })
    const rows = readJsonl(out())
    expect(rows).toHaveLength(4)
    expect(Object.keys(rows[0]).slice(0, 10)).toEqual(['YoutubeID', 'Start_timestamp', 'End_timestamp', 'Caption', 'Caption_Original', 'UMT_Score', 'Aesthetic_Score', 'status', 'reviewer', 'decided_at'])
    expect(rows[0]).toMatchObject({ Caption: 'a curated caption', Caption_Original: original, status: 'accepted', reviewer: expect.any(String), decided_at: expect.stringMatching(/^\d{4}-/) })
    expect(rows[1]).toMatchObject({ status: 'pending', reviewer: null, decided_at: null })
    expect('Caption_Original' in rows[1]).toBe(false)
    exportDataset(t.ctx, out(), { ...ALL, status: 'rejected' })
    expect(readJsonl(out())).toHaveLength(1)
  })

  it('timestamps and captions in the lines match formatTimestamp and JSON.stringify byte for byte', () => {
    setup()
    const times = [0, 0.0005, 0.001, 1.2, 59.9995, 59.999, 61.5, 453.689, 3599.9996, 86399.123, 360000.5]
    const captions = ['a\nb\tc\r', '\u0001\u001f\u007f', 'quote " back \\ slash /', 'ünï €😀', '\u2028\u2029', '\b\f', '']
    const clips = times.map((s, i) => ({ startS: s, endS: s + 0.25 + i }))
    const ids = seedClips(t.ctx, clips)
    ids.forEach((id, i) => t.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?').run(captions[i % captions.length], id))
    exportDataset(t.ctx, out(), ALL)
    const lines = readFileSync(out(), 'utf8').trimEnd().split('\n')
    lines.forEach((line, i) => {
      const c = clips[i]
      const expected = `{"YoutubeID":"vid","Start_timestamp":"${formatTimestamp(c.startS)}","End_timestamp":"${formatTimestamp(c.endS)}","Caption":${JSON.stringify(captions[i % captions.length])}`
      expect(line.startsWith(expected)).toBe(true)
    })
  })

  it('a re-imported curated export does not get duplicate Caption_Original / status keys', async () => {
    setup()
    await load([{ YoutubeID: 'r', Start_timestamp: '00:00:00.000', End_timestamp: '00:00:01.000', Caption: 'new', Caption_Original: 'old', status: 'accepted', keep: 1 }])
    const id = t.ctx.db.prepare('SELECT id FROM clips').pluck().get() as number
    t.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?').run('newer', id)
    t.ctx.repos.events.append({ clipId: id, kind: 'caption', action: 'edit', valueBefore: 'new', valueAfter: 'newer', reviewer: 'ann' })
    exportDataset(t.ctx, out(), ALL, { withReview: true })
    const line = readFileSync(out(), 'utf8')
    expect(line.match(/"Caption_Original"/g)).toHaveLength(1)
    expect(line.match(/"status"/g)).toHaveLength(1)
    expect(JSON.parse(line)).toMatchObject({ Caption: 'newer', Caption_Original: 'new', status: 'pending', keep: 1 })
    // Without --with-review, the imported "status" stays verbatim and our Caption_Original still wins.
    exportDataset(t.ctx, out(), { ...ALL, status: 'pending' })
    expect(JSON.parse(readFileSync(out(), 'utf8'))).toMatchObject({ Caption_Original: 'new', status: 'accepted' })
  })

  it('reads rows block by block across gaps in the ids, in id order, with the filter applied to every block', async () => {
    setup()
    await load([...generateRows(300, { seed: 4 })])
    // Ids far apart (deleted clips, hand edits): blocks are 4096 ids wide, gaps are skipped by seeking.
    const video = t.ctx.db.prepare('SELECT id FROM videos LIMIT 1').pluck().get()
    const add = t.ctx.db.prepare("INSERT INTO clips (id, video_id, start_s, end_s, caption, similarity, created_at, updated_at) VALUES (?, ?, ?, ?, 'far', ?, 'now', 'now')")
    add.run(50_000, video, 9000, 9001, 0.99)
    add.run(9_000_000, video, 9002, 9003, 0.01)
    t.ctx.db.prepare('DELETE FROM clips WHERE id BETWEEN 100 AND 200').run()
    const ids = (sql: string) => t.ctx.db.prepare(`SELECT c.id FROM clips c WHERE ${sql} ORDER BY c.id`).pluck().all()
    const exported = () => readJsonl(out()).map((o) => `${o.Start_timestamp}|${o.Caption}`)
    const expected = (sql: string) => (t.ctx.db.prepare(`SELECT start_s, caption FROM clips c WHERE ${sql} ORDER BY c.id`).raw().all() as [number, string][])
      .map(([s, c]) => `${formatTimestamp(s)}|${c}`)
    expect(exportDataset(t.ctx, out(), ALL).rows).toBe(ids('1').length)
    expect(exported()).toEqual(expected('1'))
    exportDataset(t.ctx, out(), { ...ALL, where: [parseWhere('similarity>=0.5')] })
    expect(exported()).toEqual(expected('c.similarity >= 0.5'))
    expect(exported()).toContain('02:30:00.000|far')
  })

  it('CSV quotes commas, quotes and newlines (RFC 4180)', async () => {
    setup()
    await load([{ YoutubeID: 'q', Start_timestamp: '00:00:00.000', End_timestamp: '00:00:01.000', Caption: 'he said "hi", then\nleft', UMT_Score: 0.5, Aesthetic_Score: 5, note: 'a,b' }])
    exportDataset(t.ctx, out('o.csv'), ALL, { format: 'csv' })
    expect(readFileSync(out('o.csv'), 'utf8')).toBe(
      'YoutubeID,Start_timestamp,End_timestamp,Caption,Caption_Original,UMT_Score,Aesthetic_Score,extra_json\r\n' +
        'q,00:00:00.000,00:00:01.000,"he said ""hi"", then\nleft",,0.5,5,"{""note"":""a,b""}"\r\n',
    )
  })

  it('an export that fails leaves the previous file untouched', async () => {
    setup()
    await load([...generateRows(10, { seed: 1 })])
    writeFileSync(out(), 'previous\n')
    expect(() => exportDataset(t.ctx, join(t.dir, 'no-such-dir', 'x.jsonl'), ALL)).toThrow(/does not exist/)
    t.ctx.db.exec('DROP TABLE review_events') // the export now fails inside its queries
    expect(() => exportDataset(t.ctx, out(), ALL)).toThrow()
    expect(readFileSync(out(), 'utf8')).toBe('previous\n')
    expect(readdirSync(t.dir).filter((f) => f.includes('.tmp-'))).toEqual([])
  })
})

function toS(ts: unknown): number {
  const [h, m, s] = String(ts).split(':').map(Number)
  return h * 3600 + m * 60 + s
}
