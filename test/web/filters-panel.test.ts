import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ClipListQuery, ClipSummary, Histogram } from '../../src-main/api/contract'
import ClipGrid from '../../src-renderer/src/components/clip-grid/ClipGrid.vue'
import FiltersPanel from '../../src-renderer/src/components/filters/FiltersPanel.vue'
import RangeFilterField from '../../src-renderer/src/components/filters/RangeFilterField.vue'
import { barHeights, sliderStep } from '../../src-renderer/src/components/filters/histogram-bars'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { emptyField, STATS_DELAY_MS, useFiltersStore } from '../../src-renderer/src/stores/filters'
import { useProjectStore } from '../../src-renderer/src/stores/project'
import { FakeCore } from './fake-core'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

const HIST: Histogram = { field: 'similarity', min: 0, max: 1, binWidth: 0.25, all: [4, 2, 0, 1], filtered: [2, 1, 0, 0], missing: 3 }

function heights(w: ReturnType<typeof mount>, cls: string): number[] {
  return w.findAll(`rect.${cls}`).map((r) => Number(r.attributes('height')))
}

let mounted: { unmount(): void } | null = null
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.useRealTimers()
})

describe('histogram bars', () => {
  it('scales both series by the tallest bin of all clips', () => {
    expect(barHeights([4, 2, 0], [2, 0, 0])).toEqual([
      { all: 100, filtered: 50 },
      { all: 50, filtered: 0 },
      { all: 0, filtered: 0 },
    ])
    expect(barHeights([], [])).toEqual([])
    expect(sliderStep(0, 1, false)).toBe(0.005)
    expect(sliderStep(0, 200, true)).toBe(1)
  })
})

describe('RangeFilterField', () => {
  it('keeps what the curator is typing when new histograms re-render the field', async () => {
    const w = mount(RangeFilterField, { props: { label: 'Similarity', state: emptyField(), histogram: HIST } })
    const field = w.get('input[aria-label="Similarity minimum value"]')
    ;(field.element as HTMLInputElement).value = '0.395'
    await field.trigger('input')
    await w.setProps({ histogram: { ...HIST, filtered: HIST.filtered.map((n) => n + 1) } })
    expect((field.element as HTMLInputElement).value).toBe('0.395')
    await field.trigger('change')
    expect(w.emitted('range')).toEqual([[0.395, null]])
  })

  it('draws the histogram behind labelled min/max sliders and emits ranges, open at the ends', async () => {
    const w = mount(RangeFilterField, { props: { label: 'Similarity', state: emptyField(), histogram: HIST } })
    expect(heights(w, 'bar-all')).toEqual([100, 50, 0, 25])
    expect(heights(w, 'bar-filtered')).toEqual([50, 25, 0, 0])

    const min = w.get('input[aria-label="Similarity minimum"]')
    const max = w.get('input[aria-label="Similarity maximum"]')
    expect(min.attributes('type')).toBe('range')
    expect(max.attributes('type')).toBe('range')
    await min.setValue('0.3')
    await max.setValue('1')
    await w.get('input[aria-label="Similarity maximum value"]').setValue('0.8') // input, then change
    expect(w.emitted('range')).toEqual([
      [0.3, null],
      [null, null],
      [null, 0.8],
    ])
  })

  it('never lets the minimum pass the maximum', async () => {
    const state = { ...emptyField(), max: 0.5 }
    const w = mount(RangeFilterField, { props: { label: 'Similarity', state, histogram: HIST } })
    await w.get('input[aria-label="Similarity minimum"]').setValue('0.9')
    expect(w.emitted('range')).toEqual([[0.5, 0.5]])
  })

  it('is inert until the field has a range, and the Top % switch turns it into one percent slider', async () => {
    const inert = mount(RangeFilterField, { props: { label: 'Aesthetic', state: emptyField() } })
    expect(inert.get('input[aria-label="Aesthetic minimum"]').attributes('disabled')).toBeDefined()

    const w = mount(RangeFilterField, { props: { label: 'Aesthetic', state: emptyField(), histogram: HIST } })
    await w.get('[role="switch"][aria-label="Aesthetic top %"]').setValue(true)
    expect(w.emitted('mode')).toEqual([['top']])

    await w.setProps({ state: { ...emptyField(), mode: 'top', topPercent: 100 } })
    expect(w.find('input[aria-label="Aesthetic minimum"]').exists()).toBe(false)
    await w.get('input[aria-label="Aesthetic top percent"]').setValue('30')
    expect(w.emitted('top')).toEqual([[30]])
  })
})

describe('FiltersPanel', () => {
  function setup() {
    const core = new FakeCore(undefined, [1, 2, 3, 4])
    for (const id of [1, 2, 3, 4]) core.clips.set(id, clip(id, { similarity: id / 10, durationS: 1800, caption: id % 2 ? 'a red flower' : 'a blue sky' }))
    const { transport, client, pinia } = setupStores(core.transport)
    const w = mount(FiltersPanel, { global: mountGlobals(client, pinia), attachTo: document.body })
    mounted = w
    return { w, transport }
  }

  it('collapsed asks nothing; opened shows histograms, the keep rate, and updates both as filters move', async () => {
    const { w, transport } = setup()
    await useClipsStore().loadFirst()
    await flushPromises()
    expect(transport.calls('clips:histogram')).toEqual([])
    expect(w.find('[role="status"]').exists()).toBe(false)

    const toggle = w.get('button[aria-controls="filters-body"]')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    await flushPromises()
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const readout = w.get('output[role="status"][aria-label="Keep rate"]')
    expect(readout.text()).toBe('4 clips · 2.0 h · 100.0 % of all')
    expect(w.findAll('[role="group"][aria-label$=" filter"]')).toHaveLength(4)
    // No clip has an aesthetic score: that field has no bins (and an inert slider).
    expect(w.findAll('rect.bar-all').length).toBe(3 * 40)
    expect(w.get('input[aria-label="Aesthetic minimum"]').attributes('disabled')).toBeDefined()

    await w.get('input[aria-label="Search captions"]').setValue('red')
    expect(readout.text()).toBe('4 clips · 2.0 h · 100.0 % of all') // debounced
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()
    expect(readout.text()).toBe('2 clips · 1.0 h · 50.0 % of all')
    expect(transport.calls('clips:list').at(-1)).toMatchObject({ filters: { text: 'red' } })
    expect(useClipsStore().items.map((c) => c.id)).toEqual([1, 3])
    const filteredTotal = heights(w, 'bar-filtered').reduce((a, b) => a + b, 0)
    expect(filteredTotal).toBeGreaterThan(0)

    await w.get('button.ghost:not([aria-controls])').trigger('click') // Clear filters
    await flushPromises()
    expect(readout.text()).toBe('4 clips · 2.0 h · 100.0 % of all')
    expect((w.get('input[aria-label="Search captions"]').element as HTMLInputElement).value).toBe('')
    expect(w.get('button.ghost:not([aria-controls])').text()).toBe('Clear filters')
    expect(w.get('button.ghost:not([aria-controls])').attributes('disabled')).toBeDefined()
  })
})

describe('clip window with filters', () => {
  it('far pages carry the filters and the grid counts the filtered list from the keep rate', async () => {
    const n = 100_000
    const kept = (id: number) => id % 2 === 0
    const transport = new FakeTransport()
      .respond('project:info', () => ok(projectInfo({ clips: n, byStatus: { pending: n, accepted: 0, rejected: 0 } })))
      .respond('clips:keepRate', () => ok({ clips: n / 2, hours: 1, totalClips: n, totalHours: 2 }))
      .respond('clips:list', (raw) => {
        const q = raw as ClipListQuery
        const filtered = q.filters !== undefined
        const desc = q.order === 'desc'
        let id = q.cursor ? Number(q.cursor) : desc ? n + 1 : 0
        const items: ClipSummary[] = []
        while (items.length < (q.limit ?? 100)) {
          id += desc ? -1 : 1
          if (id < 1 || id > n) break
          if (!filtered || kept(id)) items.push(clip(id))
        }
        return ok({ items, nextCursor: items.length === q.limit ? String(items.at(-1)!.id) : null })
      })
    const { client, pinia } = setupStores(transport)
    await useProjectStore().load()
    await useClipsStore().loadFirst()
    const w = mount(ClipGrid, { global: mountGlobals(client, pinia), attachTo: document.body })
    mounted = w
    await flushPromises()
    expect(w.text()).toContain('100,000 clips')

    const filters = useFiltersStore()
    filters.setRange('similarity', 0.2, null)
    vi.advanceTimersByTime(STATS_DELAY_MS)
    await flushPromises()
    expect(w.text()).toContain('50,000 clips')

    const scroller = w.get('.grid-scroller').element as HTMLElement
    Object.defineProperty(scroller, 'scrollTop', { value: 5_000_000, writable: true, configurable: true })
    await w.get('.grid-scroller').trigger('scroll')
    for (let i = 0; i < 20; i++) await flushPromises()
    const far = (transport.calls('clips:list') as ClipListQuery[]).filter((q) => q.limit === 500)
    expect(far.length).toBeGreaterThan(0)
    expect(far.every((q) => q.filters?.similarity?.min === 0.2)).toBe(true)
    const ids = w.findAll('[role="option"]').map((o) => Number(o.attributes('aria-label')!.replace('Clip ', '')))
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.every(kept)).toBe(true)
  })
})
