import { spawnSync } from 'node:child_process'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import { AestheticHead } from '../../../src-main/ml/models/aesthetic-head'
import { clipImageTensor } from '../../../src-main/ml/preprocess/clip-image'
import { loadClipFrames } from '../../../src-main/services/scoring/clip-frames-loader'
import { TextScorer } from '../../../src-main/services/scoring/rescore.service'
import type { StageReport } from '../../../src-main/services/scoring/stage-runner'
import { fixtureModels } from '../../support/model-fixtures'
import { SHARED_VIDEOS, tempDir, tempProject } from '../../support/temp-project'
import * as ort from 'onnxruntime-node'

const CAPTIONS = ['a bright flower in a garden', 'a person talking to the camera', 'a cockatoo on a branch']

async function scoredProject() {
  const p = tempProject()
  const video = join(p.dir, 'three.mp4')
  copyFileSync(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'), video)
  await runJob(p.ctx, { name: 'ingest', data: { paths: [video], recursive: false } })
  const setCaption = p.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?')
  CAPTIONS.forEach((c, i) => setCaption.run(c, i + 1))
  const models = await fixtureModels(join(p.dir, 'models'))
  p.ctx.repos.settings.set('models', { similarity: models.ids.viclip, aestheticImage: models.ids.image, aestheticHead: models.ids.head })
  return { p, ...models }
}

describe('scoring stages', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('scores ViCLIP similarity, stores video embeddings, and resumes without redoing work', async () => {
    const { p, deps, ids } = await scoredProject()
    cleanup = p.cleanup
    const r = await runJob(p.ctx, { name: 'similarity', data: {} }, { scoring: deps })
    const report = r.report as StageReport
    expect(r.outcome).toBe('done')
    expect(report).toMatchObject({ scored: 3, failed: [], provider: 'cpu', model: { id: ids.viclip } })
    const rows = p.ctx.db.prepare("SELECT clip_id, value, model_id, stale FROM scores WHERE kind = 'similarity' ORDER BY clip_id").all() as { clip_id: number; value: number; model_id: string; stale: number }[]
    expect(rows.map((x) => x.clip_id)).toEqual([1, 2, 3])
    for (const row of rows) {
      expect(row.value).toBeGreaterThanOrEqual(-1)
      expect(row.value).toBeLessThanOrEqual(1)
      expect(p.ctx.repos.clips.get(row.clip_id)!.similarity).toBe(row.value)
      const emb = p.ctx.repos.scores.getEmbedding(row.clip_id, report.model)!
      expect(Math.hypot(...emb)).toBeCloseTo(1, 5)
    }
    // Different shots give different embeddings.
    const e1 = p.ctx.repos.scores.getEmbedding(1, report.model)!
    const e2 = p.ctx.repos.scores.getEmbedding(2, report.model)!
    expect(e1).not.toEqual(e2)
    // The live re-score of the same caption reproduces the stored score from the stored embedding.
    const text = new TextScorer(p.ctx, () => deps)
    const again = await text.rescore(2, CAPTIONS[1])
    expect(again.similarity).toBeCloseTo(rows[1].value, 6)
    // Resume: nothing left to do.
    const second = await runJob(p.ctx, { name: 'similarity', data: {} }, { scoring: deps })
    expect((second.report as StageReport).scored).toBe(0)
    // An edited caption makes only that score stale; the rerun uses the stored embedding.
    p.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = 3').run('a red car on a road')
    p.ctx.repos.scores.markSimilarityStale(3)
    expect(p.ctx.repos.clips.get(3)!.similarity).toBeNull()
    const third = await runJob(p.ctx, { name: 'similarity', data: {} }, { scoring: deps })
    expect((third.report as StageReport).scored).toBe(1)
    const edited = await text.rescore(3, 'a red car on a road')
    expect(p.ctx.repos.clips.get(3)!.similarity).toBeCloseTo(edited.similarity, 6)
    // Semantic search ranks by cosine against stored embeddings.
    const hits = await text.search(CAPTIONS[0], 3)
    expect(hits).toHaveLength(3)
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[1].score)
  }, 120_000)

  it('scores aesthetics as the max over 4 frames through the real LAION head', async () => {
    const { p, deps, ids } = await scoredProject()
    cleanup = p.cleanup
    const r = await runJob(p.ctx, { name: 'aesthetic', data: {} }, { scoring: deps })
    expect((r.report as StageReport).scored).toBe(3)
    // Independent recomputation for clip 2: tower → head per frame, then max.
    const image = await deps.models.require(ids.image)
    const head = await deps.models.require(ids.head)
    const tower = await ort.InferenceSession.create(join(image.dir, 'image.onnx'))
    const frames = await loadClipFrames(p.ctx, 2, 'aesthetic')
    const t = clipImageTensor(frames)
    const emb = (await tower.run({ image: new ort.Tensor('float32', t.data, t.dims) })).embedding.data as Float32Array
    const perFrame = await (await AestheticHead.load(join(head.dir, 'head.onnx'))).score(emb, [4, 768])
    expect(p.ctx.repos.clips.get(2)!.aesthetic).toBeCloseTo(Math.max(...perFrame), 4)
    // Switching to mean marks nothing stale (same models) but a new head id would: check stale on model change.
    p.ctx.repos.scores.selectModel('aesthetic', { id: 'other', revision: 'x' })
    expect(p.ctx.db.prepare("SELECT count(*) FROM scores WHERE kind = 'aesthetic' AND stale = 1").pluck().get()).toBe(3)
    expect(p.ctx.repos.clips.get(2)!.aesthetic).toBeNull()
  }, 120_000)

  it('reports a missing model with the install command and leaves other stages alone', async () => {
    const { p, deps } = await scoredProject()
    cleanup = p.cleanup
    p.ctx.repos.settings.set('models', { similarity: 'viclip-l14' })
    const r = await runJob(p.ctx, { name: 'similarity', data: {} }, { scoring: deps })
    expect(r.outcome).toBe('failed')
    expect(r.error).toMatch(/model "viclip-l14" is not installed — install it with: vicurate models install viclip-l14/)
    expect(p.ctx.db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(0)
  }, 120_000)
})

describe("InternVid's ViCLIP demo path (vicurate similarity)", () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('ranks captions by softmax(100 × cosine) from the demo frame sampling, through the CLI', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const { ids } = await fixtureModels(join(t.dir, 'models'))
    // Lay the fixture out as the store does and run the real CLI against it.
    const store = join(t.dir, 'store')
    const add = spawnSync(join(__dirname, '..', '..', '..', 'bin', 'vicurate'), ['models', '--models-dir', store, 'add', join(t.dir, 'models', 'viclip')], { encoding: 'utf8' })
    expect(add.status).toBe(0)
    const video = join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4')
    const r = spawnSync(join(__dirname, '..', '..', '..', 'bin', 'vicurate'), ['similarity', video, '--models-dir', store, '--model', ids.viclip, '--provider', 'cpu', '--json', '-t', CAPTIONS[0], '-t', CAPTIONS[1], '-t', CAPTIONS[2]], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout) as { matches: { text: string; cosine: number; probability: number }[] }
    expect(out.matches.map((m) => m.text)).toEqual(CAPTIONS)
    expect(out.matches.reduce((s, m) => s + m.probability, 0)).toBeCloseTo(1, 9)
    const byCos = [...out.matches].sort((a, b) => b.cosine - a.cosine).map((m) => m.text)
    const byProb = [...out.matches].sort((a, b) => b.probability - a.probability).map((m) => m.text)
    expect(byProb).toEqual(byCos)
    const [a, b] = out.matches
    expect(a.probability / b.probability).toBeCloseTo(Math.exp(100 * (a.cosine - b.cosine)), 6)
    const missing = spawnSync(join(__dirname, '..', '..', '..', 'bin', 'vicurate'), ['similarity', video, '--models-dir', store, '-t', 'x'], { encoding: 'utf8' })
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/is not installed — install it with: vicurate models install/)
  }, 120_000)
})
