import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { DensityGrid } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'
import { hasFilters, useClipsStore } from './clips'
import { useFiltersStore } from './filters'

/**
 * After clips change (a decision, a new score) the plot re-reads once this much time passes with
 * no further change: at triage speed every accept/reject is a change, and each re-read costs the
 * core a statistics pass over a new data version.
 */
export const DENSITY_RELOAD_QUIET_MS = 500
/** …but never later than this after the first unshown change, so steady triage still sees it move. */
export const DENSITY_RELOAD_MAX_WAIT_MS = 3000

/**
 * The similarity × aesthetic grid for the Filters panel's plot: asked only while the panel is
 * open. A change of the applied filters or the status asks at once (aborting a load for the old
 * filters); a change of the data asks after DENSITY_RELOAD_QUIET_MS of quiet, and if a load is
 * in flight then, once it has answered — so there are never two loads in flight.
 */
export const useDensityStore = defineStore('density', () => {
  const api = useApi()
  const clips = useClipsStore()
  const filters = useFiltersStore()

  const grid = shallowRef<DensityGrid | null>(null)
  const error = ref<string | null>(null)
  let controller: AbortController | null = null
  let quietTimer: ReturnType<typeof setTimeout> | null = null
  let maxWaitTimer: ReturnType<typeof setTimeout> | null = null
  /** Data changed while a load was in flight: read again when it answers. */
  let reloadWhenDone = false

  function cancelDataReload(): void {
    if (quietTimer !== null) clearTimeout(quietTimer)
    if (maxWaitTimer !== null) clearTimeout(maxWaitTimer)
    quietTimer = maxWaitTimer = null
    reloadWhenDone = false
  }

  /** Loads now; whatever data change was waiting is covered by this load. */
  async function load(): Promise<void> {
    cancelDataReload()
    if (!filters.panelOpen) return
    controller?.abort()
    const own = (controller = new AbortController())
    const f = filters.applied
    try {
      // No bin count: the core's default, shared with the histograms' pass (stores/filters.ts).
      grid.value = await api.invoke('clips:density', { status: clips.statusFilter, ...(hasFilters(f) ? { filters: f } : {}) }, { signal: own.signal })
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    } finally {
      if (controller === own) {
        controller = null
        if (reloadWhenDone) void load()
      }
    }
  }

  function reloadForData(): void {
    const again = controller !== null
    cancelDataReload()
    if (again) reloadWhenDone = true
    else void load()
  }

  function dataChanged(): void {
    if (!filters.panelOpen) return // opening the panel loads
    if (quietTimer !== null) clearTimeout(quietTimer)
    quietTimer = setTimeout(reloadForData, DENSITY_RELOAD_QUIET_MS)
    maxWaitTimer ??= setTimeout(reloadForData, DENSITY_RELOAD_MAX_WAIT_MS)
  }

  watch(() => [filters.panelOpen, filters.applied, clips.statusFilter], () => void load())
  api.on('clips:changed', dataChanged)

  return { grid, error, load }
})
