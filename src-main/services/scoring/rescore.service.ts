import type { ProjectContext } from '../../core/project-context'
import { ApiError } from '../../api/errors'
import { cosine, type ViclipModel } from '../../ml/models/viclip'
import type { ClipBpeTokenizer } from '../../ml/tokenizer/clip-bpe-tokenizer'
import { toFloat32 } from '../../db/repositories/score.repository'
import { loadViclip } from './similarity.stage'
import { modelRef, type InstalledModelRef, type ScoringDeps } from './scoring-deps'

interface TextSide {
  model: InstalledModelRef
  viclip: ViclipModel
  tokenizer: ClipBpeTokenizer
}

/**
 * The text side of the selected ViCLIP, loaded once per selection: the review UI re-scores a
 * caption as it is typed and searches by text, and neither needs the video tower again.
 */
export class TextScorer {
  private loading: Promise<TextSide> | null = null
  private loadedFor: string | null = null

  constructor(
    private readonly ctx: ProjectContext,
    private readonly deps: () => ScoringDeps,
  ) {}

  private side(): Promise<TextSide> {
    const selected = JSON.stringify(this.ctx.repos.settings.get('models', {}))
    if (!this.loading || this.loadedFor !== selected) {
      this.loadedFor = selected
      this.loading = loadViclip(this.ctx, this.deps())
      this.loading.catch(() => (this.loading = null))
    }
    return this.loading
  }

  private async embed(text: string): Promise<{ side: TextSide; vector: Float32Array }> {
    const side = await this.side()
    const vector = await side.viclip.encodeText(side.tokenizer.tokenize([text], side.viclip.context).ids)
    return { side, vector }
  }

  /** Similarity of `caption` to the clip's stored video embedding (nothing is written). */
  async rescore(clipId: number, caption: string): Promise<{ similarity: number; modelId: string; modelRevision: string }> {
    if (typeof caption !== 'string' || caption.length > 10_000) throw new ApiError('bad_request', 'caption must be a string of at most 10000 characters')
    if (!this.ctx.repos.clips.get(clipId)) throw new ApiError('not_found', `clip ${clipId} does not exist`)
    const { side, vector } = await this.embed(caption)
    const video = this.ctx.repos.scores.getEmbedding(clipId, modelRef(side.model))
    if (!video) throw new ApiError('unavailable', `clip ${clipId} has no ${side.model.id} video embedding yet: run the similarity stage (vicurate run <project> --stages similarity)`)
    return { similarity: cosine(video, vector), modelId: side.model.id, modelRevision: side.model.revision }
  }

  /** Text → the k clips whose stored video embeddings are closest (cosine, brute force). */
  async search(text: string, k: number, allowed?: (clipId: number) => boolean): Promise<{ clipId: number; score: number }[]> {
    if (typeof text !== 'string' || !text.trim()) throw new ApiError('bad_request', 'search text must not be empty')
    const { side, vector } = await this.embed(text)
    const top: { clipId: number; score: number }[] = []
    for (const row of this.ctx.repos.scores.iterateEmbeddings(modelRef(side.model))) {
      if (allowed && !allowed(row.clip_id)) continue
      const score = cosine(toFloat32(row.vector), vector)
      if (top.length < k || score > top[top.length - 1]!.score) {
        top.push({ clipId: row.clip_id, score })
        top.sort((a, b) => b.score - a.score)
        if (top.length > k) top.pop()
      }
    }
    return top
  }
}
