import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ClipListQuery, FilterField, Histogram, HistogramQuery, KeepRate } from '../../src-main/api/contract'
import type { Envelope } from '../../src-renderer/src/api/client'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { APPLY_DELAY_MS, buildFilters, emptyField, formatKeepRate, STATS_DELAY_MS, useFiltersStore, type FieldState } from '../../src-renderer/src/stores/filters'
import { FakeCore } from './fake-core'
import { clip, deferred, ok } from './fake-transport'
import { setupStores } from './setup-app'

type Fields = Record<FilterField, FieldState>
function fields(over: Partial<Fields> = {}): Fields {
  return { similarity: emptyField(), aesthetic: emptyField(), duration: emptyField(), captionLength: emptyField(), ...over }
}

/** Clips 1..4: similarity .1 .2 .3 .4, captions "a red flower" / "a blue sky". */
function core(): FakeCore {
  const c = new FakeCore(undefined, [1, 2, 3, 4])
  for (const id of [1, 2, 3, 4]) {
    c.clips.set(id, clip(id, { similarity: id / 10, aesthetic: 4 + id, durationS: 3600, caption: id % 2 ? 'a red flower' : 'a blue sky' }))
  }
  return c
}

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
afterEach(() => vi.useRealTimers())

describe('buildFilters', () => {
  it('keeps only bounds that are set, top k % below 100, and trimmed caption words', () => {
    expect(buildFilters(fields(), '   ')).toEqual({})
    expect(
      buildFilters(
        fields({
          similarity: { mode: 'range', min: 0.25, max: null, topPercent: 100 },
          aesthetic: { mode: 'top', min: 4, max: 6, topPercent: 30 },
          duration: { mode: 'range', min: 2, max: 10, topPercent: 100 },
          captionLength: { mode: 'top', min: null, max: null, topPercent: 100 },
        }),
        '  red   flower ',
      ),
    ).toEqual({ similarity: { min: 0.25 }, aesthetic: { topPercent: 30 }, duration: { min: 2, max: 10 }, text: 'red flower' })
  })
})

describe('formatKeepRate', () => {
  it('reads clips, hours and the share of all clips', () => {
    expect(formatKeepRate({ clips: 12345, hours: 34.46, totalClips: 20000, totalHours: 60 })).toBe('12,345 clips · 34.5 h · 61.7 % of all')
    expect(formatKeepRate({ clips: 0, hours: 0, totalClips: 0, totalHours: 0 })).toBe('0 clips · 0.0 h · 0.0 % of all')
    expect(formatKeepRate({ clips: 1, hours: 1234.5, totalClips: 3, totalHours: 1 })).toBe('1 clips · 1,234.5 h · 33.3 % of all')
  })
})

describe('filters store', () => {
  it('a slider move asks the list in the next task (one gesture coalesces), the keep rate after STATS_DELAY_MS of quiet', async () => {
    const { transport } = setupStores(core().transport)
    const clips = useClipsStore()
    await clips.loadFirst()
    const filters = useFiltersStore()

    filters.setRange('similarity', 0.15, null)
    filters.setRange('similarity', 0.25, null)
    expect(transport.calls('clips:list')).toHaveLength(1)
    vi.advanceTimersByTime(APPLY_DELAY_MS)
    await flushPromises()

    const list = transport.calls('clips:list') as ClipListQuery[]
    expect(list).toHaveLength(2)
    expect(list[1]).toEqual({ status: 'all', filters: { similarity: { min: 0.25 } }, limit: 100, cursor: null })
    expect(clips.items.map((c) => c.id)).toEqual([3, 4])
    expect(filters.applied).toEqual({ similarity: { min: 0.25 } })
    // The statistics wait for the slider to rest; another move restarts the wait.
    vi.advanceTimersByTime(STATS_DELAY_MS - 1)
    expect(transport.calls('clips:keepRate')).toEqual([])
    filters.setRange('similarity', 0.3, null)
    vi.advanceTimersByTime(STATS_DELAY_MS - 1)
    await flushPromises()
    expect(transport.calls('clips:list')).toHaveLength(3)
    expect(transport.calls('clips:keepRate')).toEqual([])
    vi.advanceTimersByTime(1)
    await flushPromises()
    // Panel closed: no histograms, but the keep rate for the active filters (it counts the grid).
    expect(transport.calls('clips:histogram')).toEqual([])
    expect(transport.calls('clips:keepRate')).toEqual([{ status: 'all', filters: { similarity: { min: 0.3 } } }])
    expect(filters.keepRate).toEqual({ clips: 2, hours: 2, totalClips: 4, totalHours: 4 })
    expect(filters.countFor('all', clips.filters)).toBe(2)
    expect(filters.countFor('pending', clips.filters)).toBeNull()
  })

  it('typed caption text waits STATS_DELAY_MS before the list is searched, with the built filters', async () => {
    const { transport } = setupStores(core().transport)
    const clips = useClipsStore()
    await clips.loadFirst()
    const filters = useFiltersStore()

    filters.setRange('similarity', 0.25, null)
    filters.setText(' red ')
    vi.advanceTimersByTime(STATS_DELAY_MS - 1)
    expect(transport.calls('clips:list')).toHaveLength(1)
    vi.advanceTimersByTime(1)
    await flushPromises()
    const list = transport.calls('clips:list') as ClipListQuery[]
    expect(list).toHaveLength(2)
    expect(list[1]).toEqual({ status: 'all', filters: { similarity: { min: 0.25 }, text: 'red' }, limit: 100, cursor: null })
    expect(clips.items.map((c) => c.id)).toEqual([3])
    expect(transport.calls('clips:keepRate')).toEqual([{ status: 'all', filters: { similarity: { min: 0.25 }, text: 'red' } }])
    expect(filters.keepRate).toEqual({ clips: 1, hours: 1, totalClips: 4, totalHours: 4 })
  })

  it('top % mode sends topPercent and an open panel fetches every field histogram with the filters', async () => {
    const { transport } = setupStores(core().transport)
    await useClipsStore().loadFirst()
    const filters = useFiltersStore()
    await filters.setPanelOpen(true)
    expect((transport.calls('clips:histogram') as HistogramQuery[]).map((q) => q.field)).toEqual(['similarity', 'aesthetic', 'duration', 'captionLength'])

    filters.setMode('aesthetic', 'top')
    filters.setTopPercent('aesthetic', 50)
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()

    expect(transport.calls('clips:list').at(-1)).toEqual({ status: 'all', filters: { aesthetic: { topPercent: 50 } }, limit: 100, cursor: null })
    expect(transport.calls('clips:histogram').at(-1)).toEqual({ field: 'captionLength', status: 'all', filters: { aesthetic: { topPercent: 50 } } })
    expect(useClipsStore().items.map((c) => c.id)).toEqual([3, 4])
    const sim = filters.histograms.similarity!
    expect(sim.all.reduce((a, b) => a + b, 0)).toBe(4)
    expect(sim.filtered.reduce((a, b) => a + b, 0)).toBe(2)
  })

  it('a newer filter aborts the stale histogram, keep-rate and list requests, whose answers are dropped', async () => {
    const stale = { hist: deferred<Envelope>(), keep: deferred<Envelope>(), list: deferred<Envelope>() }
    const fake = core()
    const serve = fake.transport
    const fresh = (q: { filters?: { similarity?: { min?: number } } }) => q.filters?.similarity?.min === 0.35
    const histogram = (q: HistogramQuery): Histogram => fake.histogram(q)
    const keep = (q: ClipListQuery): KeepRate => ({ clips: fresh(q) ? 1 : 99, hours: 0, totalClips: 4, totalHours: 4 })
    serve
      .respond('clips:histogram', (raw) => (fresh(raw as HistogramQuery) || !(raw as HistogramQuery).filters ? ok(histogram(raw as HistogramQuery)) : stale.hist.promise))
      .respond('clips:keepRate', (raw) => (fresh(raw as ClipListQuery) || !(raw as ClipListQuery).filters ? ok(keep(raw as ClipListQuery)) : stale.keep.promise))
      .respond('clips:list', (raw) => {
        const q = raw as ClipListQuery
        if (q.filters && !fresh(q)) return stale.list.promise
        return ok({ items: fake.matching(q.status, q.filters), nextCursor: null })
      })
    const { transport } = setupStores(serve)
    const clips = useClipsStore()
    await clips.loadFirst()
    const filters = useFiltersStore()
    await filters.setPanelOpen(true)

    filters.setRange('similarity', 0.15, null)
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()
    const staleSignals = transport.requests.filter((r) => (r.args as ClipListQuery).filters?.similarity?.min === 0.15).map((r) => r.signal!)
    expect(staleSignals).toHaveLength(6) // list + keep rate + 4 histograms
    expect(staleSignals.some((s) => s.aborted)).toBe(false)

    filters.setRange('similarity', 0.35, null)
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()
    expect(staleSignals.every((s) => s.aborted)).toBe(true)

    stale.list.resolve(ok({ items: [clip(77)], nextCursor: null }))
    stale.keep.resolve(ok(keep({})))
    stale.hist.resolve(ok(histogram({ field: 'similarity', filters: {} })))
    await flushPromises()
    expect(clips.items.map((c) => c.id)).toEqual([4])
    expect(filters.keepRate?.clips).toBe(1)
    expect(filters.histograms.similarity!.filtered.reduce((a, b) => a + b, 0)).toBe(1)
    expect(filters.error).toBeNull()
  })

  it('keeps the all-clips series per field across filter changes, until clips change', async () => {
    const fake = core()
    let served = 0
    fake.transport.respond('clips:histogram', (raw) => {
      const h = fake.histogram(raw as HistogramQuery)
      served++
      return ok(served > 4 ? { ...h, all: h.all.map(() => 0) } : h) // later answers: a different `all`
    })
    setupStores(fake.transport)
    await useClipsStore().loadFirst()
    const filters = useFiltersStore()
    await filters.setPanelOpen(true)
    const first = filters.histograms.similarity!.all
    expect(first.reduce((a, b) => a + b, 0)).toBe(4)

    filters.setRange('similarity', 0.25, null)
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()
    expect(filters.histograms.similarity!.all).toBe(first)
    expect(filters.histograms.similarity!.filtered.reduce((a, b) => a + b, 0)).toBe(2)

    fake.transport.emit('clips:changed', { clipIds: [1] })
    await filters.refreshStats()
    expect(filters.histograms.similarity!.all.reduce((a, b) => a + b, 0)).toBe(0)
  })

  it('Clear filters applies at once and the list is asked again without filters', async () => {
    const { transport } = setupStores(core().transport)
    const clips = useClipsStore()
    await clips.loadFirst()
    const filters = useFiltersStore()
    filters.setRange('duration', 1, 2)
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()
    expect(filters.active).toBe(true)

    await filters.clear()
    expect(transport.calls('clips:list').at(-1)).toEqual({ status: 'all', limit: 100, cursor: null })
    expect(clips.items.map((c) => c.id)).toEqual([1, 2, 3, 4])
    expect(filters.active).toBe(false)
    vi.advanceTimersByTime(STATS_DELAY_MS * 2)
    await flushPromises()
    expect(transport.calls('clips:list')).toHaveLength(3)
  })

  it('changing the status filter re-reads the keep rate for that status', async () => {
    const { transport } = setupStores(core().transport)
    const clips = useClipsStore()
    await clips.loadFirst()
    const filters = useFiltersStore()
    await filters.setPanelOpen(true)
    await clips.setFilter('accepted')
    await flushPromises()
    expect(transport.calls('clips:keepRate').at(-1)).toEqual({ status: 'accepted' })
    expect(filters.keepRate?.clips).toBe(0)
  })
})
