import { randomUUID } from 'node:crypto'
import type { ClipStatus, DecisionAction } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { sqlFor } from './filter.service'
import { getReviewer } from './settings.service'

const TARGET: Record<DecisionAction, ClipStatus> = { accept: 'accepted', reject: 'rejected', reset: 'pending' }
/** Above this, a batch must be confirmed with the exact count the UI showed. */
const MAX_BATCH = 5_000_000

export interface BatchResult {
  batchId: string
  changed: number
}

/**
 * Accept/reject/reset every clip matching the filters, in one transaction, as one audited batch
 * (each clip's event carries the batch id, its status before and after). `expectedCount` is the
 * count the confirmation showed: if the set changed meanwhile, nothing is done.
 */
export function decideBatch(ctx: ProjectContext, args: { status?: unknown; filters?: unknown; action: DecisionAction; reason?: string | null; expectedCount: number }): BatchResult {
  const target = Object.hasOwn(TARGET, args.action) ? TARGET[args.action] : undefined
  if (!target) throw new ApiError('bad_request', `unknown action "${String(args.action)}"`)
  if (!Number.isInteger(args.expectedCount) || args.expectedCount < 0 || args.expectedCount > MAX_BATCH) throw new ApiError('bad_request', 'expectedCount must be the number of clips the confirmation showed')
  if (args.reason != null && (typeof args.reason !== 'string' || args.reason.length > 500)) throw new ApiError('bad_request', 'reason must be a string of at most 500 characters')
  const where = sqlFor(ctx, args.status, args.filters)
  const reviewer = getReviewer(ctx)
  const batchId = randomUUID()
  const changed = ctx.db.transaction(() => {
    const n = ctx.db.prepare(`SELECT count(*) FROM clips c WHERE 1${where.sql}`).pluck().get(where.params) as number
    if (n !== args.expectedCount) throw new ApiError('conflict', `the filtered set now has ${n} clips, not ${args.expectedCount}; nothing was changed — review the count and confirm again`)
    const now = new Date().toISOString()
    ctx.db.prepare(`INSERT INTO review_events (clip_id, batch_id, kind, action, value_before, value_after, reason, reviewer, created_at)
      SELECT c.id, @batch, 'decision', @action, c.status, @target, @reason, @reviewer, @now FROM clips c WHERE c.status != @target${where.sql}`)
      .run({ ...where.params, batch: batchId, action: args.action, target, reason: args.reason ?? null, reviewer, now })
    return ctx.db.prepare(`UPDATE clips AS c SET status = @target, updated_at = @now WHERE c.status != @target${where.sql}`).run({ ...where.params, target, now }).changes
  })()
  ctx.bus.emit('clips:changed', { clipIds: [] })
  return { batchId, changed }
}

/** Undo a batch: each clip it changed goes back to its status before, unless changed since. */
export function undoBatch(ctx: ProjectContext, batchId: unknown): { restored: number; skipped: number } {
  if (typeof batchId !== 'string' || !batchId) throw new ApiError('bad_request', 'batchId must be a string')
  const reviewer = getReviewer(ctx)
  const result = ctx.db.transaction(() => {
    const events = ctx.db.prepare("SELECT id, clip_id, value_before, value_after FROM review_events WHERE batch_id = ? AND kind = 'decision'").all(batchId) as { id: number; clip_id: number; value_before: string; value_after: string }[]
    if (events.length === 0) throw new ApiError('not_found', `no batch ${batchId}`)
    const undoId = `undo:${batchId}`
    let restored = 0
    let skipped = 0
    const now = new Date().toISOString()
    for (const e of events) {
      // Only clips still in the state the batch left them in: a later decision wins.
      const later = ctx.db.prepare("SELECT count(*) FROM review_events WHERE clip_id = ? AND kind = 'decision' AND id > ?").pluck().get(e.clip_id, e.id) as number
      if (later > 0) {
        skipped++
        continue
      }
      ctx.db.prepare('UPDATE clips SET status = ?, updated_at = ? WHERE id = ?').run(e.value_before, now, e.clip_id)
      ctx.repos.events.append({ clipId: e.clip_id, batchId: undoId, kind: 'decision', action: 'undo', valueBefore: e.value_after, valueAfter: e.value_before, reviewer })
      restored++
    }
    return { restored, skipped }
  })()
  ctx.bus.emit('clips:changed', { clipIds: [] })
  return result
}
