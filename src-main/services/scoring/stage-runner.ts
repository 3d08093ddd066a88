import type { ProjectContext } from '../../core/project-context'
import type { ModelRef, ScoreKind } from '../../db/repositories/score.repository'

export interface StageProgress {
  done: number
  total: number
}

export interface StageReport {
  stage: ScoreKind
  model: ModelRef
  provider: 'cuda' | 'cpu'
  /** Why CUDA was not used, when it was not (shown to the user). */
  fallbackReason: string | null
  scored: number
  failed: { clipId: number; error: string }[]
}

export interface PipelineSpec<T extends { id: number }, I> {
  ctx: ProjectContext
  kind: ScoreKind
  step: string
  model: ModelRef
  provider: 'cuda' | 'cpu'
  fallbackReason: string | null
  items: T[]
  batchSize: number
  signal: AbortSignal
  onProgress: (p: StageProgress) => void
  /** The id of the model the user has selected now (checked before scores are written). */
  selectedModel: () => string
  /** Loads one item's model input (frames); runs while the previous batch is in inference. */
  load: (item: T) => Promise<I>
  /** Runs the model on a batch of loaded items; returns the scores to write. */
  infer: (batch: { item: T; input: I }[]) => Promise<{ clipId: number; value: number }[]>
}

/**
 * Batches items through load → infer → write with the next batch's loading overlapped with the
 * current inference. A clip whose frames fail is recorded (clip_steps 'failed') and skipped; the
 * stage goes on. Scores are written only while the model that made them is still selected.
 */
export async function runPipelined<T extends { id: number }, I>(spec: PipelineSpec<T, I>): Promise<StageReport> {
  const { ctx, items, signal } = spec
  const report: StageReport = { stage: spec.kind, model: spec.model, provider: spec.provider, fallbackReason: spec.fallbackReason, scored: 0, failed: [] }
  const batchSize = Math.max(1, Math.floor(spec.batchSize))
  const batches: T[][] = []
  for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize))
  const loadBatch = (batch: T[]) =>
    Promise.all(batch.map(async (item) => spec.load(item).then((input) => ({ item, input, error: null as string | null }), (e: unknown) => ({ item, input: null as I | null, error: e instanceof Error ? e.message : String(e) }))))
  let done = 0
  spec.onProgress({ done, total: items.length })
  let next = batches.length > 0 ? loadBatch(batches[0]) : null
  for (let b = 0; b < batches.length; b++) {
    signal.throwIfAborted()
    const loaded = await next!
    next = b + 1 < batches.length ? loadBatch(batches[b + 1]) : null
    // Keep the prefetch from surfacing as an unhandled rejection if inference throws first.
    next?.catch(() => undefined)
    for (const l of loaded.filter((l) => l.error !== null)) {
      ctx.repos.jobs.setClipStep(l.item.id, spec.step, 'failed', spec.model, l.error)
      report.failed.push({ clipId: l.item.id, error: l.error! })
    }
    const ok = loaded.filter((l) => l.error === null).map((l) => ({ item: l.item, input: l.input as I }))
    if (ok.length > 0) {
      const scores = await spec.infer(ok)
      if (spec.selectedModel() !== spec.model.id) throw new Error(`the selected ${spec.kind} model changed to "${spec.selectedModel()}" during the run; start the stage again`)
      ctx.db.transaction(() => {
        for (const s of scores) ctx.repos.scores.put(s.clipId, spec.kind, s.value, spec.model)
        for (const o of ok) ctx.repos.jobs.setClipStep(o.item.id, spec.step, 'done', spec.model)
      })()
      report.scored += scores.length
    }
    done += batches[b].length
    spec.onProgress({ done, total: items.length })
  }
  if (report.scored > 0) ctx.bus.emit('clips:changed', { clipIds: [] })
  return report
}
