import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { SavedView } from '../../../src-main/api/contract'
import { describeError } from '../api/api-error'
import { useApi } from '../api/use-api'
import { hasFilters, useClipsStore } from './clips'
import { useFiltersStore } from './filters'

/**
 * Saved views: the grid's status, filters and sort under a name, stored in the project (so every
 * reviewer of it sees them). Saving flushes a pending slider move first: the view is what the
 * grid shows, not what it showed 150 ms ago.
 */
export const useViewsStore = defineStore('views', () => {
  const api = useApi()
  const clips = useClipsStore()
  const filters = useFiltersStore()

  const views = shallowRef<SavedView[]>([])
  const error = ref<string | null>(null)
  const busy = ref(false)
  /** The view applied last, until the curator changes what it set. */
  const current = ref<string | null>(null)

  async function run<T>(work: () => Promise<T>): Promise<T | null> {
    busy.value = true
    try {
      const r = await work()
      error.value = null
      return r
    } catch (err) {
      error.value = describeError(err)
      return null
    } finally {
      busy.value = false
    }
  }

  async function load(): Promise<void> {
    await run(async () => (views.value = await api.invoke('views:list', {})))
  }

  async function save(name: string): Promise<boolean> {
    const saved = await run(async () => {
      await filters.applyNow()
      const f = filters.applied
      return api.invoke('views:save', { name, status: clips.statusFilter, ...(hasFilters(f) ? { filters: f } : {}), sort: clips.sort })
    })
    if (!saved) return false
    current.value = saved.name
    await load()
    return true
  }

  async function apply(view: SavedView): Promise<void> {
    await filters.replace(view.filters, view.status, view.sort)
    current.value = view.name
  }

  async function remove(view: SavedView): Promise<void> {
    const r = await run(() => api.invoke('views:delete', { id: view.id }))
    if (r === null) return
    if (current.value === view.name) current.value = null
    await load()
  }

  return { views, error, busy, current, load, save, apply, remove }
})
