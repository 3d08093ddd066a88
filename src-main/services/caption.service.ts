import type { ClipSummary } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { getReviewer } from './settings.service'
import { toClipSummary } from './review.service'

export const MAX_CAPTION_CHARS = 16_384

/**
 * A curator's caption edit: the curated caption changes, the edit is appended to the audit log
 * (before/after, reviewer, time — the history and undo source), and the clip's similarity
 * becomes stale because it was computed for the old text. Model captions are never touched.
 * All in one transaction: the UI shows "saved" only for an edit that is on disk.
 */
export function updateCaption(ctx: ProjectContext, clipId: unknown, caption: unknown): ClipSummary {
  if (!Number.isInteger(clipId)) throw new ApiError('bad_request', 'clipId must be an integer')
  if (typeof caption !== 'string') throw new ApiError('bad_request', 'caption must be a string')
  const text = caption.replace(/\s+/g, ' ').trim()
  if (!text) throw new ApiError('bad_request', 'caption must not be empty')
  if (text.length > MAX_CAPTION_CHARS) throw new ApiError('bad_request', `caption is ${text.length} characters; the limit is ${MAX_CAPTION_CHARS}`)
  const reviewer = getReviewer(ctx)
  const updated = ctx.db.transaction(() => {
    const before = ctx.repos.clips.get(clipId as number)
    if (!before) throw new ApiError('not_found', `clip ${String(clipId)} does not exist`)
    if (before.caption === text) return before
    ctx.db.prepare('UPDATE clips SET caption = ?, updated_at = ? WHERE id = ?').run(text, new Date().toISOString(), before.id)
    ctx.repos.events.append({ clipId: before.id, kind: 'caption', action: 'edit', valueBefore: before.caption, valueAfter: text, reviewer })
    ctx.repos.scores.markSimilarityStale(before.id)
    return ctx.repos.clips.get(before.id)!
  })()
  ctx.bus.emit('clips:changed', { clipIds: [updated.id] })
  return toClipSummary(updated)
}
