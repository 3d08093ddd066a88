import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { ModelStore } from '../../../src-main/ml/model-store'
import { updateCaption } from '../../../src-main/services/caption.service'
import { updateCaptionSettings } from '../../../src-main/services/captioning/caption-settings'
import { decideClip } from '../../../src-main/services/review.service'
import { captionFixtures } from '../../support/caption-fixtures'
import { BIN, CLIP_JOIN, CLIP_KEY, clipSet, runCrashHarness, type CrashStage } from '../../support/crash-harness'
import { fixtureModels } from '../../support/model-fixtures'
import { SHARED_VIDEOS } from '../../support/temp-project'

const caption: CrashStage = {
  name: 'caption',
  async setup(inputs, workspace) {
    const media = join(inputs, 'media')
    mkdirSync(media)
    for (const v of ['cc0_3shots_cuts_at_2s_4s.mp4', 'flower.mp4']) copyFileSync(join(SHARED_VIDEOS, v), join(media, v))
    openProject(workspace.project, { create: true }).close()
    const ingest = spawnSync(BIN, ['ingest', workspace.project, media, '--json'], { encoding: 'utf8' })
    if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`)
    // The captioner, the summariser and ViCLIP (similarity follows new captions) in the CLI's store.
    const fx = await captionFixtures()
    const { ids } = await fixtureModels(join(inputs, 'models'))
    const store = new ModelStore({ root: join(inputs, 'store') })
    for (const d of [fx.captioner.dir, fx.summariser.dir, join(inputs, 'models', 'viclip')]) await store.add(d)
    const ctx = openProject(workspace.project)
    try {
      ctx.repos.settings.set('models', { similarity: ids.viclip, aestheticImage: ids.image, aestheticHead: ids.head })
      ctx.repos.settings.set('ml', { provider: 'cpu', threads: 1, batchSize: 2 })
      updateCaptionSettings(ctx, { captioner: { kind: 'onnx', model: fx.captioner.id }, summariser: { kind: 'onnx', model: fx.summariser.id }, frameMaxNewTokens: 6, summaryMaxNewTokens: 12 })
    } finally {
      ctx.close()
    }
    return { env: { VICURATE_MODELS_DIR: store.root } }
  },
  // A curator's edit made before captioning must survive every kill and win over the model.
  curate(ctx) {
    updateCaption(ctx, 2, 'a curator wrote this caption')
    decideClip(ctx, { clipId: 1, action: 'accept' })
    decideClip(ctx, { clipId: 3, action: 'reject', reason: 'too dark' })
  },
  args: (run) => ['run', run.project, '--stages', 'caption', '--json'],
  snapshot: (db) => ({
    ...clipSet(db),
    // Run ids are random per pass: compare everything else, in a stable order.
    captions: db.prepare(`SELECT ${CLIP_KEY}, k.scale, k.frame_index, k.frame_time_s, k.text, k.model_id, k.model_revision, k.prompt_version
      FROM captions k JOIN clips c ON c.id = k.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4, 5, 6`).raw().all(),
    runsPerClip: db.prepare(`SELECT ${CLIP_KEY}, count(DISTINCT k.run_id) FROM captions k JOIN clips c ON c.id = k.clip_id JOIN videos v ON v.id = c.video_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`).raw().all(),
    curated: db.prepare(`SELECT ${CLIP_KEY}, c.caption, c.status FROM ${CLIP_JOIN} ORDER BY 1, 2, 3`).raw().all(),
    steps: db.prepare(`SELECT ${CLIP_KEY}, s.step, s.status, s.model_id, s.model_revision
      FROM clip_steps s JOIN clips c ON c.id = s.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4`).raw().all(),
    similarity: db.prepare(`SELECT ${CLIP_KEY}, s.stale, s.value FROM scores s JOIN clips c ON c.id = s.clip_id JOIN videos v ON v.id = c.video_id
      WHERE s.kind = 'similarity' ORDER BY 1, 2, 3`).raw().all(),
  }),
}

describe('crash harness: multi-scale captioning (vicurate run --stages caption)', () => {
  it('after kill -9 at 20 seeded random moments and a resume, has the reference captions (one pass per clip), similarity and steps, and keeps the curator\'s edit', async () => {
    const r = await runCrashHarness(caption)
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
  }, 600_000)
})
