import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import { clipFramesPath, spritePath, type ClipFrames } from '../../../src-main/services/frames.service'
import { createDemoProject, DEMO_VIDEOS } from '../../../src-main/services/demo.service'
import { SHARED_VIDEOS, tempDir, tempProject } from '../../support/temp-project'

describe('ingest pipeline: scene cuts → clips → frames, posters, sprites', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('cuts real footage at its hard cuts and extracts every frame the models need', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const video = join(p.dir, 'three shots.mp4')
    copyFileSync(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'), video)
    const progress: number[] = []
    const result = await runJob(p.ctx, { name: 'ingest', data: { paths: [video], recursive: false } }, { onProgress: (e) => progress.push(e.done) })
    expect(result.outcome).toBe('done')
    expect(result.report).toMatchObject({ videos_ok: 1, clips: 3, videos_failed: [] })
    const clips = p.ctx.repos.clips.listForVideo(1)
    expect(clips.map((c) => [c.start_s, c.end_s])).toEqual([[0, 2], [2, 4], [4, 6]])
    for (const c of clips) {
      const frames = JSON.parse(readFileSync(clipFramesPath(p.ctx, c.id), 'utf8')) as ClipFrames
      expect(frames.viclip).toHaveLength(8)
      expect(frames.aesthetic).toHaveLength(4)
      expect(frames.fine).toHaveLength(2) // 1 fps over a 2 s clip
      // Every frame used lies inside its clip: no frame from the neighbouring shot.
      for (const t of Object.values(frames.times)) expect(t).toBeGreaterThanOrEqual(c.start_s - 1e-6)
      for (const t of Object.values(frames.times)) expect(t).toBeLessThan(c.end_s)
      for (const f of [...frames.viclip, frames.middle]) expect(existsSync(join(p.ctx.dataDir, f))).toBe(true)
      expect(existsSync(spritePath(p.ctx, c.id))).toBe(true)
      expect(c.thumbnail).toBe(frames.middle)
      expect(p.ctx.repos.jobs.clipStep(c.id, 'frames')?.status).toBe('done')
    }
    // Frames of one shot must differ from the next shot's: the viclip frames are distinct files.
    const first = JSON.parse(readFileSync(clipFramesPath(p.ctx, clips[0].id), 'utf8')) as ClipFrames
    expect(new Set(first.viclip).size).toBe(8)
    expect(progress.at(-1)).toBeGreaterThan(0)
    const job = p.ctx.repos.jobs.get(result.jobId)!
    expect(job.status).toBe('done')
  })

  it('registers each file once and redoes nothing on a second run', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const video = join(p.dir, 'flower.webm')
    copyFileSync(join(SHARED_VIDEOS, 'flower.webm'), video)
    const first = await runJob(p.ctx, { name: 'ingest', data: { paths: [p.dir], recursive: false } })
    expect(first.report).toMatchObject({ videos_ok: 1, clips: 1 })
    const second = await runJob(p.ctx, { name: 'ingest', data: { paths: [video], recursive: false } })
    expect(second.report).toMatchObject({ videos_ok: 0, videos_skipped: 1, clips: 0 })
    expect(p.ctx.repos.videos.count()).toBe(1)
  })

  it('stops at once when cancelled and records the job as cancelled', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const abort = new AbortController()
    abort.abort()
    const r = await runJob(p.ctx, { name: 'ingest', data: { paths: [join(SHARED_VIDEOS, 'flower.mp4')], recursive: false } }, { signal: abort.signal })
    expect(r.outcome).toBe('cancelled')
    expect(p.ctx.repos.jobs.get(r.jobId)?.status).toBe('cancelled')
    expect(p.ctx.repos.clips.countByStatus().pending).toBe(0)
  })
})

describe('demo project', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('is cut at the real cuts of its generated footage, with frames and sprites for every clip', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const { ctx, report } = await createDemoProject(join(t.dir, 'demo.vicurate'))
    try {
      expect(report?.videos_failed).toEqual([])
      // Each sample has a hard cut between shots of different test sources (DEMO_VIDEOS).
      const expectedClips = DEMO_VIDEOS.reduce((n, v) => n + v.shots.length, 0)
      const clips = ctx.db.prepare('SELECT id, start_s, end_s FROM clips').all() as { id: number; start_s: number; end_s: number }[]
      expect(clips).toHaveLength(expectedClips)
      for (const c of clips) {
        expect(ctx.repos.jobs.clipStep(c.id, 'frames')?.status).toBe('done')
        expect(existsSync(spritePath(ctx, c.id))).toBe(true)
      }
    } finally {
      ctx.close()
    }
  })
})
