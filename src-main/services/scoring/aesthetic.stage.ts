import { join } from 'node:path'
import type { ProjectContext } from '../../core/project-context'
import { AestheticHead, aggregateFrameScores, AESTHETIC_SAMPLING } from '../../ml/models/aesthetic-head'
import { clipImageTensor } from '../../ml/preprocess/clip-image'
import { loadClipFrames } from './clip-frames-loader'
import { mlSettings, modelSelection, type InstalledModelRef, type ScoringDeps } from './scoring-deps'
import { runPipelined, type StageProgress, type StageReport } from './stage-runner'

export const AESTHETIC_STEP = 'aesthetic'

function graphFile(model: InstalledModelRef, graph: string): string {
  const spec = model.manifest.graphs[graph]
  if (!spec) throw new Error(`${join(model.dir, 'manifest.json')}: no "${graph}" graph (is "${model.id}" the right kind of model?)`)
  return join(model.dir, spec.file)
}

/**
 * LAION aesthetic score: CLIP ViT-L/14 image embeddings of 4 uniformly spread frames through the
 * LAION head, aggregated per clip (max as InternVid, or mean). The score's model is the pair
 * (image tower, head), so changing either marks the old scores stale.
 */
export async function runAestheticStage(ctx: ProjectContext, deps: ScoringDeps, signal: AbortSignal, onProgress: (p: StageProgress) => void): Promise<StageReport> {
  const sel = modelSelection(ctx)
  const ml = mlSettings(ctx)
  const image = await deps.models.require(sel.aestheticImage)
  const head = await deps.models.require(sel.aestheticHead)
  const request = { provider: ml.provider, intraOpThreads: ml.threads ?? undefined }
  const tower = await deps.sessions.load(graphFile(image, 'image'), { ...request, expectInputs: image.manifest.graphs.image!.inputs })
  const headSession = await deps.sessions.load(graphFile(head, 'head'), request)
  const scorer = await AestheticHead.load(headSession.session)
  const ref = { id: `${image.id}+${head.id}`, revision: `${image.revision}+${head.revision}` }
  ctx.repos.scores.selectModel('aesthetic', ref)
  const items = ctx.db
    .prepare<[string, string], { id: number }>(
      `SELECT c.id FROM clips c JOIN clip_steps f ON f.clip_id = c.id AND f.step = 'frames' AND f.status = 'done'
       LEFT JOIN scores s ON s.clip_id = c.id AND s.kind = 'aesthetic' AND s.model_id = ? AND s.model_revision = ? AND s.stale = 0
       WHERE s.id IS NULL ORDER BY c.id`,
    )
    .all(ref.id, ref.revision)
  const frames = AESTHETIC_SAMPLING.internvid.frames
  const inputName = image.manifest.graphs.image!.inputs[0]!.name
  const outputName = image.manifest.graphs.image!.outputs[0]?.name ?? 'embedding'
  const ort = await import('onnxruntime-node')
  return runPipelined<{ id: number }, Float32Array>({
    ctx,
    kind: 'aesthetic',
    step: AESTHETIC_STEP,
    model: ref,
    provider: tower.provider,
    fallbackReason: tower.fallbackReason ?? headSession.fallbackReason,
    items,
    batchSize: ml.batchSize,
    signal,
    onProgress,
    selectedModel: () => {
      const now = modelSelection(ctx)
      return `${now.aestheticImage}+${now.aestheticHead}`
    },
    load: async (c) => {
      const rgb = await loadClipFrames(ctx, c.id, 'aesthetic', signal)
      if (rgb.length !== frames) throw new Error(`clip ${c.id}: expected ${frames} aesthetic frames, found ${rgb.length}`)
      return clipImageTensor(rgb).data
    },
    async infer(batch) {
      const per = batch[0]!.input.length
      const flat = new Float32Array(batch.length * per)
      batch.forEach((b, i) => flat.set(b.input, i * per))
      const n = batch.length * frames
      const out = await tower.session.run({ [inputName]: new ort.Tensor('float32', flat, [n, 3, 224, 224]) })
      const emb = out[outputName]!.data as Float32Array
      const perFrame = await scorer.score(emb, [n, emb.length / n])
      const perClip = aggregateFrameScores(perFrame, frames, modelSelection(ctx).aggregation)
      return batch.map((b, i) => ({ clipId: b.item.id, value: perClip[i]! }))
    },
  })
}
