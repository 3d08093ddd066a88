import type { Db } from '../connection'
import { nowIso } from '../../core/clock'

export interface ReviewEventRow {
  id: number
  clip_id: number
  batch_id: string | null
  kind: 'decision' | 'caption' | 'tag'
  action: string
  value_before: string | null
  value_after: string | null
  reason: string | null
  reviewer: string
  created_at: string
}

export interface NewReviewEvent {
  clipId: number
  batchId?: string | null
  kind: ReviewEventRow['kind']
  action: string
  valueBefore?: string | null
  valueAfter?: string | null
  reason?: string | null
  reviewer: string
}

/** Append-only: there is deliberately no update or delete here (triggers enforce it too). */
export function createReviewEventRepository(db: Db) {
  const insert = db.prepare(`INSERT INTO review_events
    (clip_id, batch_id, kind, action, value_before, value_after, reason, reviewer, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const forClip = db.prepare<[number, number], ReviewEventRow>(
    'SELECT * FROM review_events WHERE clip_id = ? ORDER BY id DESC LIMIT ?',
  )
  return {
    append: (e: NewReviewEvent): number =>
      Number(
        insert.run(e.clipId, e.batchId ?? null, e.kind, e.action, e.valueBefore ?? null, e.valueAfter ?? null,
          e.reason ?? null, e.reviewer, nowIso()).lastInsertRowid,
      ),
    listForClip: (clipId: number, limit = 200): ReviewEventRow[] => forClip.all(clipId, limit),
  }
}

export type ReviewEventRepository = ReturnType<typeof createReviewEventRepository>
