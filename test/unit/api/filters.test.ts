import { afterEach, describe, expect, it } from 'vitest'
import type { ClipSummary } from '../../../src-main/api/contract'
import { histogram, keepRate } from '../../../src-main/services/filter.service'
import { decideClip, listClips } from '../../../src-main/services/review.service'
import { seedClips, tempProject } from '../../support/temp-project'

function everything(ctx: Parameters<typeof listClips>[0], q: Parameters<typeof listClips>[1]): ClipSummary[] {
  const out: ClipSummary[] = []
  let cursor: string | null = null
  do {
    const page = listClips(ctx, { ...q, limit: 3, cursor })
    out.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return out
}

describe('filters, histograms and keep rate', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  function project() {
    const p = tempProject()
    cleanup = p.cleanup
    // 10 clips: similarity 0.1..1.0 (clip 10 unscored), durations 1..10 s.
    const ids = seedClips(p.ctx, Array.from({ length: 10 }, (_, i) => ({ startS: i * 20, endS: i * 20 + i + 1, similarity: i === 9 ? null : (i + 1) / 10, aesthetic: 10 - i })))
    const caption = p.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?')
    ids.forEach((id, i) => caption.run(i % 2 ? `a "red" car on a road number ${i}` : `a dog in the snow number ${i}`, id))
    return { p, ids }
  }

  it('pages exactly the clips inside the ranges, for every sort, by keyset', () => {
    const { p } = project()
    for (const sort of ['id', 'similarity', 'aesthetic', 'duration'] as const) {
      const got = everything(p.ctx, { sort, order: 'desc', filters: { similarity: { min: 0.3, max: 0.7 }, duration: { max: 6 } } })
      expect({ sort, ids: got.map((c) => c.id).sort((a, b) => a - b) }).toEqual({ sort, ids: [3, 4, 5, 6] })
    }
  })

  it('keeps the top k % by rank, and searches captions with plain words (quotes are not syntax)', () => {
    const { p } = project()
    // 9 scored clips; top 30 % = ceil(2.7) = 3 clips: similarity 0.9, 0.8, 0.7.
    expect(everything(p.ctx, { filters: { similarity: { topPercent: 30 } } }).map((c) => c.id)).toEqual([7, 8, 9])
    expect(everything(p.ctx, { filters: { text: 'dog snow' } }).map((c) => c.id)).toEqual([1, 3, 5, 7, 9])
    expect(everything(p.ctx, { filters: { text: '"red" OR NEAR(' } }).map((c) => c.id)).toEqual([])
    expect(everything(p.ctx, { filters: { text: '"red"' } }).map((c) => c.id)).toEqual([2, 4, 6, 8, 10])
    expect(() => listClips(p.ctx, { filters: { similarity: { topPercent: 0 } } })).toThrow(/topPercent/)
    expect(() => listClips(p.ctx, { filters: { colour: {} } as never })).toThrow(/unknown filter "colour"/)
  })

  it('histograms all clips and the filtered set in the same bins, with the unscored counted apart', () => {
    const { p, ids } = project()
    decideClip(p.ctx, { clipId: ids[0], action: 'reject' })
    const h = histogram(p.ctx, { field: 'similarity', bins: 3, status: 'pending', filters: { duration: { min: 2 } } })
    expect(h.min).toBeCloseTo(0.1)
    expect(h.max).toBeCloseTo(0.9)
    expect(h.missing).toBe(1)
    expect(h.all).toEqual([3, 3, 3])
    // Clip 1 (0.1) is rejected and also 1 s long: out of the filtered set.
    expect(h.filtered).toEqual([2, 3, 3])
    expect(() => histogram(p.ctx, { field: 'colour' as never })).toThrow(/cannot histogram/)
  })

  it('reports clips and hours kept against the whole project', () => {
    const { p } = project()
    const all = keepRate(p.ctx, {})
    expect(all).toEqual({ clips: 10, hours: 55 / 3600, totalClips: 10, totalHours: 55 / 3600 })
    const kept = keepRate(p.ctx, { filters: { duration: { min: 8 } } })
    expect(kept.clips).toBe(3)
    expect(kept.hours).toBeCloseTo((8 + 9 + 10) / 3600, 9)
  })
})
