import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClipListQuery, SavedView } from '../../src-main/api/contract'
import SemanticSearch from '../../src-renderer/src/components/search/SemanticSearch.vue'
import SavedViews from '../../src-renderer/src/components/views/SavedViews.vue'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { fieldsFrom, useFiltersStore } from '../../src-renderer/src/stores/filters'
import { FakeTransport, clip, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

function mountWith<T>(component: T, transport: FakeTransport) {
  const { client, pinia } = setupStores(transport)
  const w = mount(component as never, { global: mountGlobals(client, pinia), attachTo: document.body }) as VueWrapper
  mounted = w
  return w
}

const VIEW: SavedView = {
  id: 4, name: 'keepers', status: 'pending', filters: { similarity: { topPercent: 30 }, duration: { min: 1, max: 120 }, text: 'dog' },
  sort: { sort: 'aesthetic', order: 'desc' }, updatedAt: '2026-11-21T06:00:00.000Z',
}

describe('saved views', () => {
  function viewsTransport() {
    let views: SavedView[] = [VIEW]
    return new FakeTransport()
      .respond('views:list', () => ok(views))
      .respond('views:save', (raw) => {
        const v = { ...VIEW, id: 5, ...(raw as Partial<SavedView>), filters: (raw as { filters?: SavedView['filters'] }).filters ?? {} }
        views = [...views, v as SavedView]
        return ok(v)
      })
      .respond('views:delete', (raw) => {
        views = views.filter((v) => v.id !== (raw as { id: number }).id)
        return ok({ deleted: true })
      })
      .respond('clips:list', () => ok({ items: [clip(1)], nextCursor: null }))
      .respond('clips:keepRate', () => ok({ clips: 1, hours: 0.1, totalClips: 3, totalHours: 0.3 }))
  }

  it("turns a view's filters back into slider state (top % mode, open bounds, text)", () => {
    const f = fieldsFrom(VIEW.filters)
    expect(f.similarity).toEqual({ mode: 'top', min: null, max: null, topPercent: 30 })
    expect(f.duration).toEqual({ mode: 'range', min: 1, max: 120, topPercent: 100 })
    expect(f.aesthetic).toEqual({ mode: 'range', min: null, max: null, topPercent: 100 })
  })

  it("saves the grid's status, applied filters and sort under a name", async () => {
    const transport = viewsTransport()
    const w = mountWith(SavedViews, transport)
    await flushPromises()
    const clips = useClipsStore()
    const filters = useFiltersStore()
    await clips.setSort({ sort: 'similarity', order: 'desc' })
    filters.setRange('aesthetic', 4, null) // still debouncing: saving must flush it
    await w.get('input[aria-label="View name"]').setValue('pretty')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(transport.calls('views:save')).toEqual([{ name: 'pretty', status: 'all', filters: { aesthetic: { min: 4 } }, sort: { sort: 'similarity', order: 'desc' } }])
    expect(w.findAll('button[aria-label^="Apply view"]').map((b) => b.text())).toEqual(['keepers', 'pretty'])
    expect((w.get('input[aria-label="View name"]').element as HTMLInputElement).value).toBe('')
  })

  it('applies a view with one list request carrying its status, filters and sort, and deletes views', async () => {
    const transport = viewsTransport()
    const w = mountWith(SavedViews, transport)
    await flushPromises()
    await w.get('button[aria-label="Apply view keepers"]').trigger('click')
    await flushPromises()
    const lists = transport.calls('clips:list') as ClipListQuery[]
    expect(lists).toHaveLength(1)
    expect(lists[0]).toMatchObject({ status: 'pending', filters: VIEW.filters, sort: 'aesthetic', order: 'desc' })
    const filters = useFiltersStore()
    expect(filters.fields.similarity.mode).toBe('top')
    expect(filters.text).toBe('dog')
    expect(useClipsStore().statusFilter).toBe('pending')
    await w.get('button[aria-label="Delete view keepers"]').trigger('click')
    await flushPromises()
    expect(transport.calls('views:delete')).toEqual([{ id: 4 }])
    expect(w.text()).toContain('No saved views')
  })
})

describe('semantic search', () => {
  it('lists matches with scores within the status filter, and a click shows the clip', async () => {
    const transport = new FakeTransport()
      .respond('clips:list', () => ok({ items: [clip(1)], nextCursor: null }))
      .respond('search:semantic', () => ok({ items: [{ ...clip(42, { caption: 'a dog in the snow' }), score: 0.3127 }, { ...clip(7), score: 0.2 }] }))
    const w = mountWith(SemanticSearch, transport)
    const clips = useClipsStore()
    await clips.setFilter('accepted')
    await w.get('input[aria-label="Find clips matching text"]').setValue('dog playing in snow')
    await w.get('form[role="search"]').trigger('submit')
    await flushPromises()
    expect(transport.calls('search:semantic')).toEqual([{ text: 'dog playing in snow', limit: 50, status: 'accepted' }])
    const hits = w.get('[aria-label="Semantic matches"]').findAll('button')
    expect(hits.map((h) => h.attributes('aria-label'))).toEqual(['Clip 42, score 0.313', 'Clip 7, score 0.200'])
    expect(hits[0]!.text()).toContain('a dog in the snow')
    await hits[0]!.trigger('click')
    // Clip 42 is not on the grid's loaded page: the store keeps it for the player and detail pane.
    expect(clips.selectedId).toBe(42)
    expect(clips.selected?.caption).toBe('a dog in the snow')
    await w.findAll('button').find((b) => b.text() === 'Clear results')!.trigger('click')
    expect(w.find('[aria-label="Semantic matches"]').exists()).toBe(false)
  })

  it('says plainly when no ViCLIP model is installed, and when no clip has an embedding yet', async () => {
    const transport = new FakeTransport().respond('search:semantic', () => ({
      ok: false, error: { code: 'unavailable', message: 'model "viclip-l14-hf" is not installed — install it with: vicurate models install viclip-l14-hf' },
    }))
    const w = mountWith(SemanticSearch, transport)
    await w.get('input[type="search"]').setValue('a cat')
    await w.get('form').trigger('submit')
    await flushPromises()
    const alert = w.get('[role="alert"]').text()
    expect(alert).toContain('needs a ViCLIP model')
    expect(alert).toContain('vicurate models install viclip-l14-hf')

    transport.respond('search:semantic', () => ok({ items: [] }))
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.text()).toContain('no clip here has a ViCLIP video embedding yet')

    // An unreachable core is also `unavailable`, but it is not a missing model.
    transport.respond('search:semantic', () => ({ ok: false, error: { code: 'unavailable', message: 'cannot reach the vicurate server' } }))
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('cannot reach the vicurate server')
  })
})
