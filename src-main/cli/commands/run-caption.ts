import type { ClipFilters, ClipStatus } from '../../api/contract'
import type { ProjectContext } from '../../core/project-context'
import type { CaptionJobReport } from '../../services/captioning/caption-job'
import { listViews } from '../../services/saved-view.service'
import { UsageError } from '../cli-errors'

/** The clips `vicurate run --stages caption` works on: a saved view's filters and/or a status. */
export function captionScope(ctx: ProjectContext, opts: { view?: string; status?: ClipStatus | 'all' }): { filters?: ClipFilters; status?: ClipStatus | 'all' } {
  let filters: ClipFilters | undefined
  let status = opts.status
  if (opts.view !== undefined) {
    const views = listViews(ctx)
    const v = views.find((x) => x.name === opts.view)
    if (!v) throw new UsageError(`no saved view named "${opts.view}" (saved views: ${views.map((x) => x.name).join(', ') || 'none'})`)
    filters = v.filters
    status ??= v.status
  }
  return { ...(filters && { filters }), ...(status && { status }) }
}

export function printCaptionReport(r: CaptionJobReport): void {
  const where = (p: { provider: string; fallbackReason: string | null }) => (p.fallbackReason ? `${p.provider} (${p.fallbackReason})` : p.provider)
  const out = process.stdout
  out.write(`caption: ${r.captioned} clips captioned by ${r.captioner.id} on ${where(r.captioner)}`)
  out.write(r.summariser ? `, summarised by ${r.summariser.id} on ${where(r.summariser)} (prompt ${r.promptVersion})` : ', no summariser (the coarse caption is the caption)')
  out.write(`; ${r.failed.length} failed\n`)
  if (r.keptCuratorEdit > 0) out.write(`  ${r.keptCuratorEdit} clips keep their curator-edited caption (model captions stored beside it)\n`)
  for (const f of r.failed.slice(0, 20)) out.write(`  clip ${f.clipId}: ${f.error}\n`)
  if (r.similarity && 'skipped' in r.similarity) out.write(`  similarity not recomputed: ${r.similarity.skipped}\n`)
  else if (r.similarity) out.write(`  similarity recomputed for ${r.similarity.scored} clips with ${r.similarity.model.id}\n`)
}
