import { copyFileSync, readdirSync, realpathSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import { probeVideo, videoStreamTiming } from '../../../src-main/media/ffmpeg'
import { exportDataset } from '../../../src-main/services/dataset-export.service'
import { clipFileName, writeClipFiles } from '../../../src-main/services/clip-files.service'
import { CLIP_PATTERN_EXAMPLE, MediaResolver } from '../../../src-main/services/dataset-media'
import type { SelectionSpec } from '../../../src-main/services/export-filters'
import { formatTimestamp } from '../../../src-main/services/dataset-export-format'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

const ALL: SelectionSpec = { status: 'all', where: [], topPercent: null, div: null, preset: null }

describe('export --clips-dir', () => {
  let p: ReturnType<typeof tempProject>
  let clips: { source_id: string; start_s: number; end_s: number }[]
  beforeAll(async () => {
    p = tempProject()
    // good: two videos (one with audio); broken: damaged after ingest; gone: deleted after ingest.
    const files = { good: 'cc0_3shots_cuts_at_2s_4s.mp4', flower: 'flower.mp4', broken: 'cc0_3shots_cuts_at_2s_4s.mp4', gone: 'cc0_3shots_cuts_at_2s_4s.mp4' }
    const paths = Object.entries(files).map(([name, f]) => {
      const to = join(p.dir, `${name}.mp4`)
      copyFileSync(join(SHARED_VIDEOS, f), to)
      return to
    })
    const r = await runJob(p.ctx, { name: 'ingest', data: { paths, recursive: false } })
    expect(r.outcome).toBe('done')
    truncateSync(join(p.dir, 'broken.mp4'), 20_000)
    rmSync(join(p.dir, 'gone.mp4'))
    clips = p.ctx.db.prepare('SELECT v.source_id, c.start_s, c.end_s FROM clips c JOIN videos v ON v.id = c.video_id ORDER BY c.id').all() as typeof clips
  }, 120_000)
  afterAll(() => p.cleanup())

  const nameOf = (c: { source_id: string; start_s: number; end_s: number }) => clipFileName({ youtubeId: c.source_id, start: formatTimestamp(c.start_s), end: formatTimestamp(c.end_s) }, 'internvid')

  it('cuts each exported clip frame-accurately, reports damaged and missing media, and resumes', async () => {
    const out = join(p.dir, 'out.jsonl')
    exportDataset(p.ctx, out, ALL)
    const dir = join(p.dir, 'clips')
    const first = await writeClipFiles(p.ctx, out, 'jsonl', dir, { concurrency: 2 })
    const by = (id: string) => clips.filter((c) => c.source_id === id)
    expect(first.total).toBe(clips.length)
    expect(first.failed.map((f) => f.name).sort()).toEqual(by('broken').map(nameOf).sort())
    expect(first.skipped.map((s) => s.name).sort()).toEqual(by('gone').map(nameOf).sort())
    expect(first.skipped[0].reason).toMatch(/media missing/)
    const good = [...by('good'), ...by('flower')]
    expect(first.written).toBe(good.length)
    expect(good.length).toBeGreaterThanOrEqual(4)
    expect(readdirSync(dir).sort()).toEqual(good.map(nameOf).sort())
    for (const c of good) {
      const file = join(dir, nameOf(c))
      // InternVid's own naming, timestamps as the JSONL writes them.
      expect(nameOf(c)).toMatch(/^(good|flower)_\d\d:\d\d:\d\d\.\d{3}_\d\d:\d\d:\d\d\.\d{3}\.mp4$/)
      const t = await videoStreamTiming(file)
      expect(Math.abs(t.durationS - (c.end_s - c.start_s))).toBeLessThanOrEqual(1 / t.fps + 1e-3)
      // The folder imports back with the importer's clip-file pattern.
      const resolver = new MediaResolver(realpathSync(dir), CLIP_PATTERN_EXAMPLE)
      expect(resolver.lookup({ youtubeId: c.source_id, startText: formatTimestamp(c.start_s), endText: formatTimestamp(c.end_s), startS: c.start_s, endS: c.end_s })).toEqual({ path: realpathSync(file) })
      const probe = await probeVideo(file)
      expect(probe.codec).toBe('h264')
      expect(probe.hasAudio).toBe(c.source_id === 'flower')
    }

    // Resume: one output deleted, a half-written .partial left for it; the rest stay untouched.
    const victim = nameOf(good[1])
    rmSync(join(dir, victim))
    writeFileSync(join(dir, victim.replace(/\.mp4$/, '.partial.mp4')), 'half a file')
    const mtimes = new Map(good.map(nameOf).filter((n) => n !== victim).map((n) => [n, statSync(join(dir, n)).mtimeMs]))
    const again = await writeClipFiles(p.ctx, out, 'jsonl', dir, { concurrency: 2 })
    expect(again).toMatchObject({ written: 1, existing: good.length - 1 })
    expect(again.failed).toHaveLength(by('broken').length)
    for (const [n, m] of mtimes) expect(statSync(join(dir, n)).mtimeMs).toBe(m)
    expect(readdirSync(dir).sort()).toEqual(good.map(nameOf).sort())
    const t = await videoStreamTiming(join(dir, victim))
    expect(Math.abs(t.durationS - (good[1].end_s - good[1].start_s))).toBeLessThanOrEqual(1 / t.fps + 1e-3)
  }, 120_000)

  it('reads the clips back from a CSV export (same files, nothing re-cut) and can write colon-free names', async () => {
    const out = join(p.dir, 'out.csv')
    exportDataset(p.ctx, out, ALL, { format: 'csv' })
    const r = await writeClipFiles(p.ctx, out, 'csv', join(p.dir, 'clips'), { concurrency: 2 })
    const good = clips.filter((c) => c.source_id === 'good' || c.source_id === 'flower')
    expect(r).toMatchObject({ total: clips.length, written: 0, existing: good.length })
    expect(clipFileName({ youtubeId: 'abc', start: '00:01:02.500', end: '01:00:00.000' }, 'safe')).toBe('abc_00-01-02.500_01-00-00.000.mp4')
  }, 60_000)
})
