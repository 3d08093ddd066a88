import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { ModelStore } from '../../../src-main/ml/model-store'
import { updateCaption } from '../../../src-main/services/caption.service'
import { decideClip } from '../../../src-main/services/review.service'
import { BIN, CLIP_JOIN, CLIP_KEY, clipSet, runCrashHarness, type CrashStage } from '../../support/crash-harness'
import { fixtureModels } from '../../support/model-fixtures'
import { SHARED_VIDEOS } from '../../support/temp-project'

const CAPTIONS = ['a bright flower in a garden', 'a person talking to the camera', 'a cockatoo on a branch', 'a flower moving in the wind']

const scoring: CrashStage = {
  name: 'scoring',
  async setup(inputs, workspace) {
    // Ingested once, through the CLI, into the workspace every run copies (frames included).
    const media = join(inputs, 'media')
    mkdirSync(media)
    for (const v of ['cc0_3shots_cuts_at_2s_4s.mp4', 'flower.mp4']) copyFileSync(join(SHARED_VIDEOS, v), join(media, v))
    openProject(workspace.project, { create: true }).close()
    const ingest = spawnSync(BIN, ['ingest', workspace.project, media, '--json'], { encoding: 'utf8' })
    if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`)
    // The CLI finds models in its store, as a user's would: install the tiny fixtures there.
    const { ids } = await fixtureModels(join(inputs, 'models'))
    const store = new ModelStore({ root: join(inputs, 'store') })
    for (const d of ['viclip', 'image', 'head']) await store.add(join(inputs, 'models', d))
    const ctx = openProject(workspace.project)
    try {
      ctx.repos.settings.set('models', { similarity: ids.viclip, aestheticImage: ids.image, aestheticHead: ids.head })
      // One clip per batch: a commit after every clip gives kills many partial states to land in.
      ctx.repos.settings.set('ml', { provider: 'cpu', threads: 1, batchSize: 1 })
      const setCaption = ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?')
      ;(ctx.db.prepare('SELECT id FROM clips ORDER BY id').pluck().all() as number[]).forEach((id, i) => setCaption.run(CAPTIONS[i % CAPTIONS.length], id))
    } finally {
      ctx.close()
    }
    return { env: { VICURATE_MODELS_DIR: store.root } }
  },
  // Through the service layer, as the UI records them: the scoring run must not undo any of it,
  // and the edited caption is the one that gets scored.
  curate(ctx) {
    decideClip(ctx, { clipId: 1, action: 'accept', reason: 'sharp, well framed' })
    decideClip(ctx, { clipId: 2, action: 'reject', reason: 'caption does not match' })
    updateCaption(ctx, 3, 'a close up of a flower swaying in the wind')
    decideClip(ctx, { clipId: 3, action: 'accept' })
  },
  args: (run) => ['run', run.project, '--stages', 'similarity,aesthetic', '--json'],
  snapshot: (db) => ({
    ...clipSet(db),
    scores: db.prepare(`SELECT ${CLIP_KEY}, s.kind, s.model_id, s.model_revision, s.stale, s.value
      FROM scores s JOIN clips c ON c.id = s.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4, 5, 6`).raw().all(),
    embeddings: (db.prepare(`SELECT ${CLIP_KEY}, e.model_id, e.model_revision, e.vector
      FROM clip_embeddings e JOIN clips c ON c.id = e.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4`).raw().all() as unknown[][])
      .map((r) => [...r.slice(0, -1), [...new Float32Array(new Uint8Array(r.at(-1) as Buffer).buffer)]]),
    steps: db.prepare(`SELECT ${CLIP_KEY}, s.step, s.status, s.model_id, s.model_revision
      FROM clip_steps s JOIN clips c ON c.id = s.clip_id JOIN videos v ON v.id = c.video_id ORDER BY 1, 2, 3, 4`).raw().all(),
    // The denormalised columns the UI sorts and filters on must mirror the scores.
    mirrors: db.prepare(`SELECT ${CLIP_KEY}, c.similarity, c.aesthetic FROM ${CLIP_JOIN} ORDER BY 1, 2, 3`).raw().all(),
  }),
}

describe('crash harness: similarity + aesthetic scoring (vicurate run)', () => {
  it('after kill -9 at 20 seeded random moments and a resume, has the reference scores, embeddings and steps, and keeps curator decisions and caption edits', async () => {
    const r = await runCrashHarness(scoring)
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
  }, 600_000)
})
