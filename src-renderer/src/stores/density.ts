import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { DensityGrid } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'
import { hasFilters, useClipsStore } from './clips'
import { useFiltersStore } from './filters'

export const DENSITY_BINS = 32

/**
 * The similarity × aesthetic grid for the Filters panel's plot: asked only while the panel is
 * open, again when the applied filters or the status change (a newer request aborts the stale
 * one) and when clips change (new scores).
 */
export const useDensityStore = defineStore('density', () => {
  const api = useApi()
  const clips = useClipsStore()
  const filters = useFiltersStore()

  const grid = shallowRef<DensityGrid | null>(null)
  const error = ref<string | null>(null)
  let controller: AbortController | null = null

  async function load(): Promise<void> {
    if (!filters.panelOpen) return
    controller?.abort()
    const own = (controller = new AbortController())
    const f = filters.applied
    try {
      grid.value = await api.invoke('clips:density', { bins: DENSITY_BINS, status: clips.statusFilter, ...(hasFilters(f) ? { filters: f } : {}) }, { signal: own.signal })
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    }
  }

  watch(() => [filters.panelOpen, filters.applied, clips.statusFilter], () => void load())
  api.on('clips:changed', () => void load())

  return { grid, error, load }
})
