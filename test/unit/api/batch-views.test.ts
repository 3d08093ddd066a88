import { afterEach, describe, expect, it } from 'vitest'
import { decideBatch, undoBatch } from '../../../src-main/services/batch.service'
import { decideClip, getClip } from '../../../src-main/services/review.service'
import { deleteView, listViews, saveView } from '../../../src-main/services/saved-view.service'
import { updateSettings } from '../../../src-main/services/settings.service'
import { seedClips, tempProject } from '../../support/temp-project'

describe('batch decisions and saved views', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('decides the whole filtered set as one audited batch, refuses a stale count, and undoes it', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const ids = seedClips(p.ctx, Array.from({ length: 6 }, (_, i) => ({ startS: i * 10, endS: i * 10 + 1, similarity: i / 10 })))
    updateSettings(p.ctx, { reviewer: 'ana' })
    decideClip(p.ctx, { clipId: ids[5], action: 'accept' })
    const filters = { similarity: { max: 0.25 } } // clips 1..3
    expect(() => decideBatch(p.ctx, { filters, action: 'reject', expectedCount: 4 })).toThrow(/now has 3 clips, not 4; nothing was changed/)
    expect(p.ctx.repos.clips.countByStatus().rejected).toBe(0)
    const r = decideBatch(p.ctx, { filters, action: 'reject', reason: 'low similarity', expectedCount: 3 })
    expect(r.changed).toBe(3)
    expect(p.ctx.repos.clips.countByStatus()).toEqual({ pending: 2, accepted: 1, rejected: 3 })
    expect(getClip(p.ctx, ids[0]).history[0]).toMatchObject({ action: 'reject', reason: 'low similarity', reviewer: 'ana', valueBefore: 'pending', valueAfter: 'rejected' })
    // A later decision on one clip wins over the undo.
    decideClip(p.ctx, { clipId: ids[1], action: 'accept' })
    expect(undoBatch(p.ctx, r.batchId)).toEqual({ restored: 2, skipped: 1 })
    expect(p.ctx.repos.clips.get(ids[0])!.status).toBe('pending')
    expect(p.ctx.repos.clips.get(ids[1])!.status).toBe('accepted')
    expect(() => undoBatch(p.ctx, 'nope')).toThrow(/no batch nope/)
  })

  it('saves, replaces by name, lists and deletes views with checked filters', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const v = saveView(p.ctx, { name: ' keepers ', status: 'pending', filters: { aesthetic: { min: 4 }, text: 'dog' }, sort: { sort: 'similarity', order: 'desc' } })
    expect(v).toMatchObject({ name: 'keepers', status: 'pending', filters: { aesthetic: { min: 4 }, text: 'dog' }, sort: { sort: 'similarity', order: 'desc' } })
    saveView(p.ctx, { name: 'keepers', filters: { aesthetic: { min: 5 } } })
    expect(listViews(p.ctx)).toHaveLength(1)
    expect(listViews(p.ctx)[0].filters).toEqual({ aesthetic: { min: 5 } })
    expect(() => saveView(p.ctx, { name: 'x', filters: { colour: {} } })).toThrow(/unknown filter/)
    expect(() => saveView(p.ctx, { name: '' })).toThrow(/needs a name/)
    expect(deleteView(p.ctx, v.id)).toEqual({ deleted: true })
    expect(listViews(p.ctx)).toEqual([])
  })
})
