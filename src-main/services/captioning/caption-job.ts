import type { ClipFilters, ClipStatus } from '../../api/contract'
import type { ProjectContext } from '../../core/project-context'
import type { ScoringDeps } from '../scoring/scoring-deps'
import { modelSelection } from '../scoring/scoring-deps'
import { runSimilarityStage } from '../scoring/similarity.stage'
import type { StageReport } from '../scoring/stage-runner'
import { runCaptionStage, type CaptionReport } from './caption.stage'

export interface CaptionJobReport extends CaptionReport {
  /** Similarity recomputed for the new captions, or why it was not. */
  similarity: StageReport | { skipped: string } | null
}

/**
 * The `caption` job: captions the pending (optionally filtered) clips, then recomputes ViCLIP
 * similarity for the clips whose caption changed, since their old scores describe old text.
 * When the similarity model is not installed the captions stay and the report says why.
 */
export async function runCaptionJob(
  ctx: ProjectContext,
  deps: () => ScoringDeps,
  data: { filters?: ClipFilters; status?: ClipStatus | 'all' },
  signal: AbortSignal,
  progress: (p: { done: number; total: number; detail?: string }) => void,
): Promise<{ outcome: 'done' | 'failed'; report: CaptionJobReport }> {
  const scoring = deps()
  const caption = await runCaptionStage(ctx, scoring.models, { filters: data.filters, status: data.status, signal, onProgress: (p) => progress({ ...p, detail: 'captioning' }) })
  let similarity: CaptionJobReport['similarity'] = null
  // Also after a crash between the captions' commit and their similarity: captioned clips whose
  // similarity is missing or stale (the mirror column is NULL) are still due.
  const pending = ctx.db
    .prepare("SELECT 1 FROM clip_steps s JOIN clips c ON c.id = s.clip_id WHERE s.step = 'caption' AND s.status = 'done' AND c.caption IS NOT NULL AND c.similarity IS NULL LIMIT 1")
    .get()
  if (caption.changedClipIds.length > 0 || pending !== undefined) {
    try {
      await scoring.models.require(modelSelection(ctx).similarity)
      similarity = await runSimilarityStage(ctx, scoring, signal, (p) => progress({ ...p, detail: 'similarity for the new captions' }))
    } catch (e) {
      if (signal.aborted) throw e
      similarity = { skipped: (e as Error).message }
    }
  }
  const outcome = caption.failed.length > 0 && caption.captioned === 0 ? 'failed' : 'done'
  return { outcome, report: { ...caption, similarity } }
}
