import { join } from 'node:path'
import type { ProjectContext } from '../../core/project-context'
import { ViclipModel, cosine } from '../../ml/models/viclip'
import { viclipClipTensor } from '../../ml/preprocess/viclip-frames'
import { ClipBpeTokenizer } from '../../ml/tokenizer/clip-bpe-tokenizer'
import { loadClipFrames } from './clip-frames-loader'
import { mlSettings, modelRef, modelSelection, type InstalledModelRef, type ScoringDeps } from './scoring-deps'
import { runPipelined, type StageProgress, type StageReport } from './stage-runner'

export const SIMILARITY_STEP = 'similarity'

interface Candidate {
  id: number
  caption: string | null
  hasEmbedding: number
}

const tokenizers = new Map<string, ClipBpeTokenizer>()

/** The tokenizer shipped in the model folder (named by its manifest), built once per file. */
export function tokenizerFor(model: InstalledModelRef): ClipBpeTokenizer {
  const merges = model.manifest.tokenizer?.merges
  if (!merges) throw new Error(`${join(model.dir, 'manifest.json')}: no tokenizer.merges entry`)
  const file = join(model.dir, merges)
  let tok = tokenizers.get(file)
  if (!tok) {
    tok = new ClipBpeTokenizer(file)
    tokenizers.set(file, tok)
  }
  return tok
}

export async function loadViclip(ctx: ProjectContext, deps: ScoringDeps): Promise<{ model: InstalledModelRef; viclip: ViclipModel; tokenizer: ClipBpeTokenizer }> {
  const model = await deps.models.require(modelSelection(ctx).similarity)
  const ml = mlSettings(ctx)
  const viclip = await ViclipModel.load(model.dir, { factory: deps.sessions, provider: ml.provider, intraOpThreads: ml.threads ?? undefined })
  return { model, viclip, tokenizer: tokenizerFor(model) }
}

/**
 * ViCLIP clip–caption similarity (InternVid's UMT_Score): cosine of the L2-normalised video and
 * caption embeddings. Video embeddings are stored, so a stale score (edited caption) or a clip
 * captioned later needs only the text tower. Frames for the next batch load during inference.
 */
export async function runSimilarityStage(ctx: ProjectContext, deps: ScoringDeps, signal: AbortSignal, onProgress: (p: StageProgress) => void): Promise<StageReport> {
  const { model, viclip, tokenizer } = await loadViclip(ctx, deps)
  const ref = modelRef(model)
  ctx.repos.scores.selectModel('similarity', ref)
  const candidates = ctx.db
    .prepare<[string, string, string, string], Candidate>(
      `SELECT c.id, c.caption, (e.clip_id IS NOT NULL) AS hasEmbedding FROM clips c
       JOIN clip_steps f ON f.clip_id = c.id AND f.step = 'frames' AND f.status = 'done'
       LEFT JOIN clip_embeddings e ON e.clip_id = c.id AND e.model_id = ? AND e.model_revision = ?
       LEFT JOIN scores s ON s.clip_id = c.id AND s.kind = 'similarity' AND s.model_id = ? AND s.model_revision = ? AND s.stale = 0
       WHERE e.clip_id IS NULL OR (c.caption IS NOT NULL AND s.id IS NULL)
       ORDER BY c.id`,
    )
    .all(ref.id, ref.revision, ref.id, ref.revision)

  return runPipelined<Candidate, Float32Array | null>({
    ctx,
    step: SIMILARITY_STEP,
    model: ref,
    provider: viclip.provider,
    fallbackReason: viclip.fallbackReason,
    items: candidates,
    batchSize: mlSettings(ctx).batchSize,
    signal,
    onProgress,
    selectedModel: () => modelSelection(ctx).similarity,
    // Only clips without a stored embedding need their frames.
    load: async (c) => (c.hasEmbedding ? null : viclipClipTensor([await loadClipFrames(ctx, c.id, 'viclip', signal)]).data),
    async infer(batch) {
      const toEncode = batch.filter((b) => b.input !== null)
      if (toEncode.length > 0) {
        const flat = new Float32Array(toEncode.length * viclip.videoSize)
        toEncode.forEach((b, i) => flat.set(b.input!, i * viclip.videoSize))
        const emb = await viclip.encodeVideo(flat)
        toEncode.forEach((b, i) => ctx.repos.scores.putEmbedding(b.item.id, ref, emb.slice(i * viclip.dim, (i + 1) * viclip.dim)))
      }
      const captioned = batch.filter((b) => b.item.caption !== null)
      if (captioned.length === 0) return []
      const text = await viclip.encodeText(tokenizer.tokenize(captioned.map((b) => b.item.caption!), viclip.context).ids)
      return captioned.map((b, i) => {
        const video = ctx.repos.scores.getEmbedding(b.item.id, ref)!
        return { clipId: b.item.id, value: cosine(video, text.subarray(i * viclip.dim, (i + 1) * viclip.dim)) }
      })
    },
    kind: 'similarity',
  })
}
