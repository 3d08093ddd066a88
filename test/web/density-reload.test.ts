import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DensityGrid } from '../../src-main/api/contract'
import type { Envelope } from '../../src-renderer/src/api/client'
import DensityPlot from '../../src-renderer/src/components/filters/DensityPlot.vue'
import { DENSITY_RELOAD_MAX_WAIT_MS, DENSITY_RELOAD_QUIET_MS } from '../../src-renderer/src/stores/density'
import { useFiltersStore } from '../../src-renderer/src/stores/filters'
import { FakeTransport, clip, deferred, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

const GRID: DensityGrid = { bins: 2, similarity: { min: 0.1, max: 0.5 }, aesthetic: { min: 3, max: 7 }, all: [1, 0, 0, 1], filtered: [1, 0, 0, 0] }

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.useRealTimers()
})

/**
 * The density plot at triage speed: every decision is a `clips:changed`, and the plot must not
 * re-read on each. `hold` makes every clips:density answer wait for the test.
 */
async function setup(opts: { hold?: boolean } = {}) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  const answers: ReturnType<typeof deferred<Envelope>>[] = []
  const transport = new FakeTransport()
    .respond('clips:density', () => {
      if (!opts.hold) return ok(GRID)
      answers.push(deferred<Envelope>())
      return answers.at(-1)!.promise
    })
    .respond('clips:list', () => ok({ items: [clip(1)], nextCursor: null }))
    .respond('clips:keepRate', () => ok({ clips: 1, hours: 0.1, totalClips: 2, totalHours: 0.3 }))
    .respond('clips:histogram', () => ok({ field: 'similarity', min: null, max: null, binWidth: null, all: [], filtered: [], missing: 0 }))
  const { client, pinia } = setupStores(transport)
  const filters = useFiltersStore()
  await filters.setPanelOpen(true)
  mounted = mount(DensityPlot, { global: mountGlobals(client, pinia) })
  await flushPromises()
  answers.shift()?.resolve(ok(GRID)) // the first load, on opening
  await flushPromises()
  const loads = () => transport.requests.filter((r) => r.channel === 'clips:density')
  const decide = async () => {
    transport.emit('clips:changed', { clipIds: [1] })
    await flushPromises()
  }
  return { transport, filters, answers, loads, decide }
}

describe('density plot reloads after data changes', () => {
  it('re-reads once, after the changes have been quiet for the reload delay', async () => {
    const { loads, decide } = await setup()
    const before = loads().length
    for (let i = 0; i < 5; i++) {
      await decide()
      vi.advanceTimersByTime(200)
    }
    expect(loads()).toHaveLength(before)
    vi.advanceTimersByTime(DENSITY_RELOAD_QUIET_MS - 200 - 1)
    expect(loads()).toHaveLength(before)
    vi.advanceTimersByTime(1)
    await flushPromises()
    expect(loads()).toHaveLength(before + 1)
    vi.advanceTimersByTime(DENSITY_RELOAD_MAX_WAIT_MS)
    expect(loads()).toHaveLength(before + 1)
  })

  it('steady triage still re-reads by the longest wait, not never', async () => {
    const { loads, decide } = await setup()
    const before = loads().length
    for (let t = 0; t < DENSITY_RELOAD_MAX_WAIT_MS; t += 300) {
      await decide()
      vi.advanceTimersByTime(300)
    }
    await flushPromises()
    expect(loads()).toHaveLength(before + 1)
  })

  it('a filter change loads at once and covers the data change waiting for quiet', async () => {
    const { loads, decide, filters } = await setup()
    const before = loads().length
    await decide()
    await filters.setScoreRanges([0.2, 0.4], [4, 6])
    await flushPromises()
    expect(loads()).toHaveLength(before + 1)
    vi.advanceTimersByTime(DENSITY_RELOAD_MAX_WAIT_MS)
    await flushPromises()
    expect(loads()).toHaveLength(before + 1)
  })

  it('never has two loads in flight: a change during a load re-reads once it answers', async () => {
    const { loads, decide, answers } = await setup({ hold: true })
    const before = loads().length
    await decide()
    vi.advanceTimersByTime(DENSITY_RELOAD_QUIET_MS)
    await flushPromises()
    expect(loads()).toHaveLength(before + 1)

    for (let i = 0; i < 3; i++) {
      await decide()
      vi.advanceTimersByTime(DENSITY_RELOAD_QUIET_MS)
      await flushPromises()
    }
    expect(loads()).toHaveLength(before + 1)
    expect(loads().at(-1)!.signal!.aborted).toBe(false)

    answers.shift()!.resolve(ok(GRID))
    await flushPromises()
    expect(loads()).toHaveLength(before + 2)
    answers.shift()!.resolve(ok(GRID))
    await flushPromises()
    vi.advanceTimersByTime(DENSITY_RELOAD_MAX_WAIT_MS)
    await flushPromises()
    expect(loads()).toHaveLength(before + 2)
  })
})
