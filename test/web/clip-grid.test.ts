import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClipListQuery } from '../../src-main/api/contract'
import ClipGrid from '../../src-renderer/src/components/clip-grid/ClipGrid.vue'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { FakeTransport, clip, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

/** Records observed targets so a test can report the sentinel as scrolled into range. */
class FakeObserver {
  static last: FakeObserver | null = null
  observed: Element[] = []
  constructor(readonly callback: IntersectionObserverCallback) {
    FakeObserver.last = this
  }
  observe(el: Element): void {
    this.observed.push(el)
  }
  unobserve(): void {}
  disconnect(): void {}
  intersect(): void {
    this.callback([{ isIntersecting: true } as IntersectionObserverEntry], this as unknown as IntersectionObserver)
  }
}

function twoPages(): FakeTransport {
  return new FakeTransport().respond('clips:list', (raw) =>
    (raw as ClipListQuery).cursor === 'p2'
      ? ok({ items: [clip(3)], nextCursor: null })
      : ok({ items: [clip(1), clip(2)], nextCursor: 'p2' }),
  )
}

afterEach(() => vi.unstubAllGlobals())

describe('ClipGrid', () => {
  it('loads the next page when the end of the list scrolls into range', async () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver)
    const { transport, client, pinia } = setupStores(twoPages())
    const store = useClipsStore()
    await store.loadFirst()
    const w = mount(ClipGrid, { global: mountGlobals(client, pinia) })

    FakeObserver.last!.intersect()
    await flushPromises()

    expect(transport.calls('clips:list').at(-1)).toMatchObject({ cursor: 'p2' })
    expect(w.findAll('[role="option"]').map((o) => o.attributes('aria-label'))).toEqual(['Clip 1', 'Clip 2', 'Clip 3'])
    // Re-observed after the page landed, so a still-visible sentinel keeps loading.
    expect(FakeObserver.last!.observed.length).toBeGreaterThan(1)
    expect(w.find('button').exists()).toBe(false) // nothing left to load
    w.unmount()
  })

  it('offers a Load more button that pages with the cursor', async () => {
    const { transport, client, pinia } = setupStores(twoPages())
    await useClipsStore().loadFirst()
    const w = mount(ClipGrid, { global: mountGlobals(client, pinia) })
    await w.get('button').trigger('click')
    await flushPromises()
    expect(transport.calls('clips:list').at(-1)).toMatchObject({ cursor: 'p2' })
    expect(w.findAll('[role="option"]')).toHaveLength(3)
    w.unmount()
  })

  it('arrow keys in the listbox move the selection and keep aria-activedescendant on it', async () => {
    const { client, pinia } = setupStores(twoPages())
    await useClipsStore().loadFirst()
    const w = mount(ClipGrid, { global: mountGlobals(client, pinia) })
    const listbox = w.get('[role="listbox"]')
    await listbox.trigger('keydown', { key: 'ArrowRight' })
    expect(listbox.attributes('aria-activedescendant')).toBe('clip-option-2')
    expect(w.get('#clip-option-2').attributes('aria-selected')).toBe('true')
    await listbox.trigger('keydown', { key: 'Home' })
    expect(listbox.attributes('aria-activedescendant')).toBe('clip-option-1')
    w.unmount()
  })
})
