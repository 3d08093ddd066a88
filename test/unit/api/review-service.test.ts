import { afterEach, describe, expect, it } from 'vitest'
import type { ClipListQuery, ClipSummary } from '../../../src-main/api/contract'
import { updateCaption } from '../../../src-main/services/caption.service'
import { decideClip, getClip, listClips } from '../../../src-main/services/review.service'
import { updateSettings } from '../../../src-main/services/settings.service'
import { seedClips, tempProject } from '../../support/temp-project'

function allPages(ctx: Parameters<typeof listClips>[0], q: ClipListQuery): ClipSummary[] {
  const out: ClipSummary[] = []
  let cursor: string | null = null
  for (let guard = 0; guard < 1000; guard++) {
    const page = listClips(ctx, { ...q, cursor })
    out.push(...page.items)
    if (!page.nextCursor) return out
    cursor = page.nextCursor
  }
  throw new Error('paging did not terminate')
}

describe('review service', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('pages every clip exactly once by keyset, for every sort and order, NULL scores last', () => {
    const p = tempProject()
    cleanup = p.cleanup
    // Ties and NULLs on purpose: keyset paging must break ties by id and not lose rows.
    const sims = [0.3, null, 0.3, 0.1, 0.9, null, 0.3, 0.5, 0.1, 0.7, null, 0.2]
    seedClips(p.ctx, sims.map((s, i) => ({ startS: i, endS: i + 1 + (i % 3), similarity: s, aesthetic: s === null ? 4 : 10 - i })))
    for (const sort of ['id', 'similarity', 'aesthetic', 'duration'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const got = allPages(p.ctx, { sort, order, limit: 5 })
        expect(got.map((c) => c.id).sort((a, b) => a - b)).toEqual(Array.from({ length: sims.length }, (_, i) => i + 1))
        const key = (c: ClipSummary) => (sort === 'id' ? c.id : sort === 'duration' ? c.durationS : c[sort])
        const withValue = got.filter((c) => key(c) !== null)
        const sorted = [...withValue].sort((a, b) => (order === 'asc' ? 1 : -1) * ((key(a)! - key(b)!) || a.id - b.id))
        expect(withValue.map((c) => c.id)).toEqual(sorted.map((c) => c.id))
        expect(got.slice(withValue.length).every((c) => key(c) === null)).toBe(true)
      }
    }
  })

  it('filters by status and rejects bad queries with a clear reason', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const ids = seedClips(p.ctx, [{ startS: 0, endS: 1 }, { startS: 1, endS: 2 }, { startS: 2, endS: 3 }])
    decideClip(p.ctx, { clipId: ids[1], action: 'accept' })
    expect(listClips(p.ctx, { status: 'accepted' }).items.map((c) => c.id)).toEqual([ids[1]])
    expect(listClips(p.ctx, { status: 'pending' }).items.map((c) => c.id)).toEqual([ids[0], ids[2]])
    expect(() => listClips(p.ctx, { limit: 0 })).toThrow(/limit/)
    expect(() => listClips(p.ctx, { sort: 'caption' as never })).toThrow(/cannot sort by/)
    expect(() => listClips(p.ctx, { cursor: 'garbage!' })).toThrow(/invalid page cursor/)
  })

  it('records each decision with reviewer, reason and before/after in the audit log', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const [id] = seedClips(p.ctx, [{ startS: 0, endS: 1 }])
    updateSettings(p.ctx, { reviewer: 'ana' })
    const events: unknown[] = []
    p.ctx.bus.subscribe((name, payload) => events.push({ name, payload }))
    expect(decideClip(p.ctx, { clipId: id, action: 'reject', reason: 'watermark' }).status).toBe('rejected')
    expect(decideClip(p.ctx, { clipId: id, action: 'accept' }).status).toBe('accepted')
    const detail = getClip(p.ctx, id)
    expect(detail.status).toBe('accepted')
    expect(detail.history.map((h) => [h.action, h.reason, h.reviewer])).toEqual([
      ['accept', null, 'ana'],
      ['reject', 'watermark', 'ana'],
    ])
    expect(events).toContainEqual({ name: 'clips:changed', payload: { clipIds: [id] } })
    expect(() => decideClip(p.ctx, { clipId: 999, action: 'accept' })).toThrow(/does not exist/)
    expect(() => decideClip(p.ctx, { clipId: id, action: 'delete' as never })).toThrow(/unknown action/)
  })
})

describe('caption edits', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('change the curated caption, keep the model caption, append history and make similarity stale', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const [id] = seedClips(p.ctx, [{ startS: 0, endS: 2, similarity: 0.31 }])
    p.ctx.db.prepare("UPDATE clips SET caption = 'a dog runs' WHERE id = ?").run(id)
    p.ctx.db.prepare("INSERT INTO captions (clip_id, scale, text, model_id, created_at) VALUES (?, 'imported', 'a dog runs', 'imported', 'now')").run(id)
    p.ctx.db.prepare("INSERT INTO scores (clip_id, kind, value, model_id, model_revision, created_at) VALUES (?, 'similarity', 0.31, 'm', 'r', 'now')").run(id)
    updateSettings(p.ctx, { reviewer: 'ana' })
    const out = updateCaption(p.ctx, id, '  a brown dog   runs on snow ')
    expect(out.caption).toBe('a brown dog runs on snow')
    expect(out.similarity).toBeNull()
    expect(p.ctx.db.prepare("SELECT stale FROM scores WHERE clip_id = ? AND kind = 'similarity'").pluck().get(id)).toBe(1)
    const detail = getClip(p.ctx, id)
    expect(detail.modelCaptions).toEqual([{ scale: 'imported', text: 'a dog runs', modelId: 'imported', frameIndex: null, frameTimeS: null, promptVersion: null }])
    expect(detail.history[0]).toMatchObject({ kind: 'caption', action: 'edit', valueBefore: 'a dog runs', valueAfter: 'a brown dog runs on snow', reviewer: 'ana' })
    // Revert = an edit back to an earlier text; both stay in the history.
    updateCaption(p.ctx, id, 'a dog runs')
    expect(getClip(p.ctx, id).history.filter((h) => h.kind === 'caption')).toHaveLength(2)
    expect(() => updateCaption(p.ctx, id, '   ')).toThrow(/must not be empty/)
    expect(() => updateCaption(p.ctx, id, 'x'.repeat(20_000))).toThrow(/limit is 16384/)
    expect(() => updateCaption(p.ctx, 999, 'x')).toThrow(/does not exist/)
  })
})
