import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClipListQuery, DensityGrid } from '../../src-main/api/contract'
import DensityPlot from '../../src-renderer/src/components/filters/DensityPlot.vue'
import { brushRanges, cells, roundForAxis } from '../../src-renderer/src/components/filters/density-plot'
import { useFiltersStore } from '../../src-renderer/src/stores/filters'
import { FakeTransport, clip, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

// 4 × 4 bins over similarity 0.1–0.5 and aesthetic 3–7; row 0 is the lowest aesthetic.
const GRID: DensityGrid = {
  bins: 4,
  similarity: { min: 0.1, max: 0.5 },
  aesthetic: { min: 3, max: 7 },
  all: [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2],
  filtered: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
}

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

describe('density plot geometry', () => {
  it('puts cells with counts on the plot, high aesthetic at the top, on a square-root shade scale', () => {
    expect(cells(GRID, 'all')).toEqual([
      { x: 0, y: 3, n: 4, shade: 1 },
      { x: 2, y: 1, n: 1, shade: 0.5 },
      { x: 3, y: 0, n: 2, shade: Math.sqrt(0.5) },
    ])
    expect(cells(GRID, 'filtered').map((c) => [c.x, c.y, c.n])).toEqual([[2, 1, 1]])
  })

  it('turns a drag into closed ranges on both axes, rounded outward so the brushed clips stay in', () => {
    const sim = GRID.similarity!
    const aes = GRID.aesthetic!
    expect(brushRanges(sim, aes, { x: 0.75, y: 0.2 }, { x: 0.25, y: 0.6 })).toEqual({ similarity: [0.2, 0.4], aesthetic: [3.8, 5.4] })
    expect(roundForAxis(sim, 0.20049, 'floor')).toBe(0.2)
    expect(roundForAxis(sim, 0.20049, 'ceil')).toBe(0.201)
    expect(brushRanges(sim, aes, { x: 0.5, y: 0.5 }, { x: 0.502, y: 0.5 })).toBeNull() // a click, not a drag
  })
})

describe('DensityPlot', () => {
  async function setup() {
    const transport = new FakeTransport()
      .respond('clips:density', () => ok(GRID))
      .respond('clips:list', () => ok({ items: [clip(1)], nextCursor: null }))
      .respond('clips:keepRate', () => ok({ clips: 1, hours: 0.1, totalClips: 7, totalHours: 0.3 }))
      .respond('clips:histogram', () => ok({ field: 'similarity', min: null, max: null, binWidth: null, all: [], filtered: [], missing: 0 }))
    const { client, pinia } = setupStores(transport)
    const filters = useFiltersStore()
    await filters.setPanelOpen(true)
    const w = mount(DensityPlot, { global: mountGlobals(client, pinia), attachTo: document.body })
    mounted = w
    await flushPromises()
    return { w, transport, filters }
  }

  function drag(w: VueWrapper, from: [number, number], to: [number, number]) {
    const svg = w.get('svg')
    // jsdom lays nothing out: give the plot a 200 × 100 box at (10, 20).
    svg.element.getBoundingClientRect = () => ({ left: 10, top: 20, width: 200, height: 100, right: 210, bottom: 120, x: 10, y: 20, toJSON: () => ({}) })
    const at = (type: string, [x, y]: [number, number]) => svg.element.dispatchEvent(Object.assign(new MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true }), { pointerId: 1 }))
    at('pointerdown', from)
    at('pointermove', to)
    at('pointerup', to)
  }

  it('draws all clips and the filtered set, and a drag sets both score ranges at once', async () => {
    const { w, transport, filters } = await setup()
    expect(transport.calls('clips:density')).toEqual([{ status: 'all' }])
    expect(w.get('svg').attributes('aria-label')).toBe('Density of 7 clips by similarity and aesthetic; drag to filter both ranges')
    expect(w.findAll('rect.cell-all')).toHaveLength(3)
    expect(w.findAll('rect.cell-filtered').map((r) => r.attributes('data-count'))).toEqual(['1'])

    // From (25 %, 40 % up) to (75 %, 80 % up) of the plot.
    drag(w, [10 + 50, 20 + 60], [10 + 150, 20 + 20])
    await flushPromises()
    expect(filters.fields.similarity).toMatchObject({ mode: 'range', min: 0.2, max: 0.4 })
    expect(filters.fields.aesthetic).toMatchObject({ mode: 'range', min: 4.6, max: 6.2 })
    const list = (transport.calls('clips:list') as ClipListQuery[]).at(-1)!
    expect(list.filters).toEqual({ similarity: { min: 0.2, max: 0.4 }, aesthetic: { min: 4.6, max: 6.2 } })
    // The plot re-reads with the new filters and outlines the applied ranges.
    expect((transport.calls('clips:density').at(-1) as { filters: unknown }).filters).toEqual(list.filters)
    expect(w.find('rect.range').exists()).toBe(true)
  })

  it('says so when no clip has both scores', async () => {
    const transport = new FakeTransport().respond('clips:density', () => ok({ bins: 32, similarity: null, aesthetic: null, all: [], filtered: [] }))
    const { client, pinia } = setupStores(transport)
    await useFiltersStore().setPanelOpen(true)
    mounted = mount(DensityPlot, { global: mountGlobals(client, pinia) })
    await flushPromises()
    expect(mounted.text()).toContain('No clip has both a similarity and an aesthetic score yet.')
  })
})
