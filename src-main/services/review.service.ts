import type { ClipDetail, ClipListQuery, ClipPage, ClipSummary, DecideArgs, ClipStatus } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { MAX_SEEK, type ClipRow, type KeysetCursor } from '../db/repositories/clip.repository'
import { filterSql } from '../db/repositories/clip-filters'
import { checkFilters, resolveFilters } from './filter.service'
import { getReviewer } from './settings.service'

const MAX_PAGE = 500

export function toClipSummary(r: ClipRow): ClipSummary {
  return {
    id: r.id,
    videoId: r.video_id,
    sourceId: r.source_id,
    startS: r.start_s,
    endS: r.end_s,
    durationS: r.duration_s,
    status: r.status,
    caption: r.caption,
    similarity: r.similarity,
    aesthetic: r.aesthetic,
    hasThumbnail: r.thumbnail !== null,
    hasSprite: r.has_sprite === 1,
    fps: r.fps,
    mediaMissing: r.video_path === null,
  }
}

function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(JSON.stringify([c.phase === 'null' ? 0 : 1, c.value, c.id])).toString('base64url')
}

function decodeCursor(s: string): KeysetCursor {
  try {
    const [phase, value, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [number, number | null, number]
    if ((phase !== 0 && phase !== 1) || !Number.isInteger(id) || (value !== null && typeof value !== 'number')) throw new Error()
    return { phase: phase === 0 ? 'null' : 'value', value, id }
  } catch {
    throw new ApiError('bad_request', 'invalid page cursor')
  }
}

const STATUSES: readonly (ClipStatus | 'all')[] = ['all', 'pending', 'accepted', 'rejected']
const SORTS = ['id', 'similarity', 'aesthetic', 'duration'] as const

export function listClips(ctx: ProjectContext, q: ClipListQuery): ClipPage {
  const status = q.status ?? 'all'
  const sort = q.sort ?? 'id'
  const order = q.order ?? 'asc'
  if (!STATUSES.includes(status)) throw new ApiError('bad_request', `unknown status filter "${String(status)}"`)
  if (!(SORTS as readonly string[]).includes(sort)) throw new ApiError('bad_request', `cannot sort by "${String(sort)}"`)
  if (order !== 'asc' && order !== 'desc') throw new ApiError('bad_request', `order must be asc or desc`)
  const limit = q.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ApiError('bad_request', `limit must be 1..${MAX_PAGE}`)
  const offset = q.offset ?? 0
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_SEEK) throw new ApiError('bad_request', `offset must be an integer 0..${MAX_SEEK}`)
  if (q.cursor && offset > 0) throw new ApiError('bad_request', 'give either cursor or offset, not both')
  const shape = {
    status,
    filter: q.filters ? filterSql(resolveFilters(ctx, checkFilters(q.filters)), undefined) : undefined,
    sort,
    order,
  }
  const after = q.cursor ? decodeCursor(q.cursor) : ctx.repos.clips.seek(shape, offset)
  if (after === undefined) return { items: [], nextCursor: null }
  const { rows, next } = ctx.repos.clips.page({ ...shape, limit, after })
  return { items: rows.map(toClipSummary), nextCursor: next ? encodeCursor(next) : null }
}

function requireClip(ctx: ProjectContext, clipId: unknown): ClipRow {
  if (!Number.isInteger(clipId)) throw new ApiError('bad_request', 'clipId must be an integer')
  const row = ctx.repos.clips.get(clipId as number)
  if (!row) throw new ApiError('not_found', `clip ${String(clipId)} does not exist`)
  return row
}

export function getClip(ctx: ProjectContext, clipId: number): ClipDetail {
  const row = requireClip(ctx, clipId)
  const video = ctx.repos.videos.get(row.video_id)
  return {
    ...toClipSummary(row),
    videoPath: row.video_path,
    videoDurationS: video?.duration_s ?? null,
    fps: video?.fps ?? null,
    width: video?.width ?? null,
    height: video?.height ?? null,
    modelCaptions: modelCaptions(ctx, row.id),
    history: ctx.repos.events.listForClip(row.id).map((e) => ({
      id: e.id,
      kind: e.kind,
      action: e.action,
      valueBefore: e.value_before,
      valueAfter: e.value_after,
      reason: e.reason,
      reviewer: e.reviewer,
      createdAt: e.created_at,
    })),
  }
}

const TARGET: Record<DecideArgs['action'], ClipStatus> = { accept: 'accepted', reject: 'rejected', reset: 'pending' }

/**
 * Accept/reject/reset one clip. The status change and its audit event commit in one
 * transaction, so the UI only shows "saved" for a decision that is on disk with its history.
 */
export function decideClip(ctx: ProjectContext, args: DecideArgs): ClipSummary {
  // Own keys only: "toString" or "__proto__" would otherwise find Object.prototype's members.
  const target = Object.hasOwn(TARGET, args.action) ? TARGET[args.action] : undefined
  if (!target) throw new ApiError('bad_request', `unknown action "${String(args.action)}"`)
  if (args.reason != null && (typeof args.reason !== 'string' || args.reason.length > 500)) {
    throw new ApiError('bad_request', 'reason must be a string of at most 500 characters')
  }
  const reviewer = getReviewer(ctx)
  const updated = ctx.db.transaction(() => {
    const before = requireClip(ctx, args.clipId)
    ctx.repos.clips.setStatus(before.id, target)
    ctx.repos.events.append({
      clipId: before.id,
      kind: 'decision',
      action: args.action,
      valueBefore: before.status,
      valueAfter: target,
      reason: args.reason ?? null,
      reviewer,
    })
    return ctx.repos.clips.get(before.id)!
  })()
  ctx.bus.emit('clips:changed', { clipIds: [updated.id] })
  return toClipSummary(updated)
}

export interface ModelCaptionDto {
  scale: string
  text: string
  modelId: string | null
  frameIndex: number | null
  /** Seconds from the clip's start, for per-frame captions. */
  frameTimeS: number | null
  promptVersion: string | null
}

/**
 * The model/imported captions of a clip (context for the editor: coarse, per-frame, fine):
 * imported rows plus the latest captioning run only, so a re-captioned clip shows the frame
 * captions its current summary was made from (older runs stay in the table as history). The
 * imported caption comes first, from the clip itself until something replaced it (0009).
 */
export function modelCaptions(ctx: ProjectContext, clipId: number): ModelCaptionDto[] {
  return (ctx.db
    .prepare(
      `SELECT scale, text, model_id, frame_index, frame_time_s, prompt_version FROM captions_with_imported
       WHERE clip_id = @clipId AND (run_id IS NULL OR run_id = (SELECT run_id FROM captions WHERE clip_id = @clipId AND run_id IS NOT NULL ORDER BY id DESC LIMIT 1))
       ORDER BY scale <> 'imported', id`,
    )
    .all({ clipId }) as { scale: string; text: string; model_id: string | null; frame_index: number | null; frame_time_s: number | null; prompt_version: string | null }[])
    .map((r) => ({ scale: r.scale, text: r.text, modelId: r.model_id, frameIndex: r.frame_index, frameTimeS: r.frame_time_s, promptVersion: r.prompt_version }))
}
