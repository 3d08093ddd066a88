import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import BatchActions from '../../src-renderer/src/components/filters/BatchActions.vue'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { useFiltersStore } from '../../src-renderer/src/stores/filters'
import { useReviewStore } from '../../src-renderer/src/stores/review'
import { FakeTransport, clip, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

let mounted: { unmount(): void } | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

function setup() {
  let batches = 0
  const transport = new FakeTransport()
    .respond('clips:list', () => ok({ items: [clip(1), clip(2)], nextCursor: null }))
    .respond('clips:keepRate', () => ok({ clips: 2, hours: 0.1, totalClips: 5, totalHours: 0.3 }))
    .respond('clips:histogram', () => ok({ field: 'similarity', min: null, max: null, binWidth: null, all: [], filtered: [], missing: 0 }))
    .respond('clips:decideBatch', () => ok({ batchId: `b-${++batches}`, changed: 2 }))
    .respond('clips:undoBatch', () => ok({ restored: 1, skipped: 1 }))
  const { client, pinia } = setupStores(transport)
  const w = mount(BatchActions, { global: mountGlobals(client, pinia), attachTo: document.body })
  mounted = w
  return { w, transport }
}

const button = (w: ReturnType<typeof mount>, name: string) => w.findAll('button').find((b) => b.text() === name)!

describe('batch actions on the filtered set', () => {
  it('asks with the count, sends it as expectedCount with the status and filters, and offers undo', async () => {
    const { w, transport } = setup()
    const filters = useFiltersStore()
    await useClipsStore().loadFirst()
    filters.setRange('duration', 2, null)
    await filters.applyNow()
    await filters.refreshStats() // the keep rate gives the count to confirm
    await flushPromises()
    await button(w, 'Reject all…').trigger('click')
    expect(w.text()).toContain('Reject 2 clips of the filtered set?')
    expect(transport.calls('clips:decideBatch')).toEqual([]) // nothing before the confirmation
    await button(w, 'Confirm').trigger('click')
    await flushPromises()
    expect(transport.calls('clips:decideBatch')).toEqual([{ status: 'all', filters: { duration: { min: 2 } }, action: 'reject', expectedCount: 2 }])
    expect(w.get('[aria-label="Batch result"]').text()).toBe('Rejected 2 clips.')
    await button(w, 'Undo batch').trigger('click')
    await flushPromises()
    expect(transport.calls('clips:undoBatch')).toEqual([{ batchId: 'b-1' }])
    expect(w.get('[aria-label="Batch result"]').text()).toBe('Undone: 1 clips restored, 1 kept (decided since).')
  })

  it('Ctrl+Z and Ctrl+Shift+Z undo and redo a batch like any edit (the review undo stack)', async () => {
    const { w, transport } = setup()
    const filters = useFiltersStore()
    await useClipsStore().loadFirst()
    filters.setRange('duration', 2, null)
    await filters.applyNow()
    await filters.refreshStats()
    await flushPromises()
    await button(w, 'Accept all…').trigger('click')
    await button(w, 'Confirm').trigger('click')
    await flushPromises()
    const review = useReviewStore()
    await review.undo()
    await flushPromises()
    expect(transport.calls('clips:undoBatch')).toEqual([{ batchId: 'b-1' }])
    expect(w.find('button[aria-label="Undo batch"]').exists()).toBe(false)
    await review.redo()
    await flushPromises()
    // Redo asks again with the same status, filters and count; the core makes a new batch.
    expect(transport.calls('clips:decideBatch')).toEqual([
      { status: 'all', filters: { duration: { min: 2 } }, action: 'accept', expectedCount: 2 },
      { status: 'all', filters: { duration: { min: 2 } }, action: 'accept', expectedCount: 2 },
    ])
    await review.undo()
    expect(transport.calls('clips:undoBatch').at(-1)).toEqual({ batchId: 'b-2' })
  })

  it('cancel sends nothing', async () => {
    const { w, transport } = setup()
    const filters = useFiltersStore()
    await filters.refreshStats()
    await filters.setPanelOpen(true)
    await flushPromises()
    await button(w, 'Accept all…').trigger('click')
    await button(w, 'Cancel').trigger('click')
    expect(transport.calls('clips:decideBatch')).toEqual([])
    expect(button(w, 'Accept all…')).toBeTruthy()
  })
})
