import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import { updateCaption } from '../../../src-main/services/caption.service'
import type { CaptionJobReport } from '../../../src-main/services/captioning/caption-job'
import { updateCaptionSettings } from '../../../src-main/services/captioning/caption-settings'
import { PROMPT_VERSION } from '../../../src-main/services/captioning/summary-prompt'
import { decideClip } from '../../../src-main/services/review.service'
import { captionFixtures, locatorFor, type CaptionFixtures } from '../../support/caption-fixtures'
import { fixtureModels } from '../../support/model-fixtures'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

interface CaptionRow { clip_id: number; scale: string; frame_index: number | null; frame_time_s: number | null; text: string; model_id: string; prompt_version: string | null; run_id: string }

async function captionProject(fx: CaptionFixtures) {
  const p = tempProject()
  const video = join(p.dir, 'three.mp4')
  copyFileSync(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'), video)
  await runJob(p.ctx, { name: 'ingest', data: { paths: [video], recursive: false } })
  const scoring = await fixtureModels(join(p.dir, 'models'))
  p.ctx.repos.settings.set('models', { similarity: scoring.ids.viclip, aestheticImage: scoring.ids.image, aestheticHead: scoring.ids.head })
  p.ctx.repos.settings.set('ml', { provider: 'cpu', threads: 1, batchSize: 4 })
  updateCaptionSettings(p.ctx, { captioner: { kind: 'onnx', model: fx.captioner.id }, summariser: { kind: 'onnx', model: fx.summariser.id }, summaryMaxNewTokens: 24, frameMaxNewTokens: 8 })
  const deps = { ...scoring.deps, models: locatorFor([fx.captioner, fx.summariser], scoring.deps.models) }
  return { p, deps }
}

const rows = (p: ReturnType<typeof tempProject>, clipId: number) =>
  p.ctx.db.prepare('SELECT clip_id, scale, frame_index, frame_time_s, text, model_id, prompt_version, run_id FROM captions WHERE clip_id = ? ORDER BY id').all(clipId) as CaptionRow[]

describe('caption job (tiny real-architecture models)', () => {
  let fx: CaptionFixtures
  let cleanup = () => {}
  beforeAll(async () => {
    fx = await captionFixtures()
  }, 300_000)
  afterEach(() => cleanup())

  it('stores coarse, 1 fps frame and fine captions with provenance, sets the caption, recomputes similarity, and resumes', async () => {
    const { p, deps } = await captionProject(fx)
    cleanup = p.cleanup
    const r = await runJob(p.ctx, { name: 'caption', data: {} }, { scoring: deps })
    const report = r.report as CaptionJobReport
    expect(r.outcome).toBe('done')
    expect(report).toMatchObject({ captioned: 3, failed: [], promptVersion: PROMPT_VERSION, captioner: { id: fx.captioner.id, provider: 'cpu' }, summariser: { id: fx.summariser.id } })
    for (const clipId of [1, 2, 3]) {
      const rs = rows(p, clipId)
      const coarse = rs.filter((x) => x.scale === 'coarse')
      const frames = rs.filter((x) => x.scale === 'frame')
      const fine = rs.filter((x) => x.scale === 'fine')
      expect(coarse).toHaveLength(1)
      // Clips are ~2 s long: frames at 0.5 s and 1.5 s.
      expect(frames.map((f) => f.frame_time_s)).toEqual([0.5, 1.5])
      expect(fine).toHaveLength(1)
      expect(fine[0]).toMatchObject({ model_id: fx.summariser.id, prompt_version: PROMPT_VERSION })
      expect(coarse[0].model_id).toBe(fx.captioner.id)
      expect(new Set(rs.map((x) => x.run_id)).size).toBe(1)
      expect(rs.every((x) => x.text.trim().length > 0)).toBe(true)
      expect(p.ctx.repos.clips.get(clipId)!.caption).toBe(fine[0].text)
    }
    // Similarity followed the new captions automatically: fresh, non-stale scores for every clip.
    expect(report.similarity).toMatchObject({ scored: 3, failed: [] })
    expect(p.ctx.db.prepare("SELECT count(*) FROM scores WHERE kind = 'similarity' AND stale = 0").pluck().get()).toBe(3)

    const again = (await runJob(p.ctx, { name: 'caption', data: {} }, { scoring: deps })).report as CaptionJobReport
    expect(again).toMatchObject({ captioned: 0, failed: [], similarity: null })
    expect(p.ctx.db.prepare('SELECT count(*) FROM captions').pluck().get()).toBe(12)
  }, 240_000)

  it('keeps a curator\'s edit when re-captioning, and can caption only the clips passing filters', async () => {
    const { p, deps } = await captionProject(fx)
    cleanup = p.cleanup
    await runJob(p.ctx, { name: 'caption', data: {} }, { scoring: deps })
    updateCaption(p.ctx, 1, 'a curator wrote this')
    decideClip(p.ctx, { clipId: 2, action: 'accept' })
    // A new setting changes the fingerprint, so every clip is due again; only accepted ones run.
    updateCaptionSettings(p.ctx, { fineFrames: 1 })
    const onlyAccepted = (await runJob(p.ctx, { name: 'caption', data: { status: 'accepted' } }, { scoring: deps })).report as CaptionJobReport
    expect(onlyAccepted.captioned).toBe(1)
    expect(rows(p, 2).filter((x) => x.scale === 'frame').at(-1)!.frame_time_s).toBe(1) // one frame: the clip's midpoint
    const rest = (await runJob(p.ctx, { name: 'caption', data: {} }, { scoring: deps })).report as CaptionJobReport
    expect(rest).toMatchObject({ captioned: 2, keptCuratorEdit: 1 })
    expect(p.ctx.repos.clips.get(1)!.caption).toBe('a curator wrote this')
    expect(rows(p, 1).filter((x) => x.scale === 'fine')).toHaveLength(2)
  }, 240_000)
})
