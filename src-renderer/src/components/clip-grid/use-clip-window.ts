import { computed, onScopeDispose, shallowRef, watch } from 'vue'
import { storeToRefs } from 'pinia'
import type { ClipSummary } from '../../../../src-main/api/contract'
import { useApi } from '../../api/use-api'
import { hasFilters, useClipsStore } from '../../stores/clips'
import { useFiltersStore } from '../../stores/filters'
import { useProjectStore } from '../../stores/project'
import { SparseClipPages } from './sparse-pages'

/**
 * Adapter between the clips store and the virtual grid, living here because the store is a
 * contiguous list grown by "load more", and the grid must show any row of a million.
 *
 * Rows the store holds (its first pages) come from the store, so a saved decision shows on the
 * card at once; rows beyond come from a sparse keyset cache of their own (sparse-pages.ts) with
 * the store's filter and sort. The row count is the core's
 * count for the filter (`project:info`), or, before that arrives, what the store has loaded.
 *
 * What should move into the store (see the report): the sparse cache itself, so `selected`,
 * J/K and decisions work on clips far from the first pages; today the store resolves `selected`
 * only among its own items.
 */
export function useClipWindow() {
  const api = useApi()
  const clips = useClipsStore()
  const project = useProjectStore()
  const { items, statusFilter, sort, filters, hasMore } = storeToRefs(clips)
  const filterStore = useFiltersStore()

  // Bumped on every cache change; readers depend on it instead of on a reactive million-row map.
  const version = shallowRef(0)
  const bump = (): void => void version.value++

  const counted = computed<number | null>(() => {
    // Filtered: the keep-rate answer for exactly this status and filters counts the list.
    if (hasFilters(filters.value)) return filterStore.countFor(statusFilter.value, filters.value)
    const info = project.info
    if (!info) return null
    return statusFilter.value === 'all' ? info.clips : info.byStatus[statusFilter.value]
  })

  const pages = new SparseClipPages((req, signal) => {
    const { sort: key, order } = sort.value
    const reversed = order === 'asc' ? 'desc' : 'asc'
    const narrowed = hasFilters(filters.value) ? { filters: filters.value } : {}
    const query = { status: statusFilter.value, ...narrowed, sort: key, order: req.direction === 'forward' ? order : reversed }
    const at = req.offset ? { offset: req.offset } : { cursor: req.cursor }
    return api.invoke('clips:list', { ...query, limit: req.limit, ...at }, { signal })
  }, counted.value ?? 0, bump)
  // The core puts NULL scores last in either order, so only non-null keys reverse exactly.
  const reversible = (): boolean => sort.value.sort === 'id' || sort.value.sort === 'duration'
  pages.walkBack = reversible()

  const total = computed(() => {
    void version.value
    // Until the count arrives the store's pages are all we know of; one more row keeps the
    // scroll reaching for the next page when there is one.
    const known = items.value.length + (hasMore.value ? 1 : 0)
    return counted.value === null ? known : Math.max(pages.size, items.value.length)
  })

  watch([statusFilter, sort, filters], () => pages.reset(counted.value ?? 0, reversible()))
  watch(counted, (n) => {
    if (n !== null) pages.setTotal(n)
  })

  function at(index: number): ClipSummary | undefined {
    void version.value
    return items.value[index] ?? pages.get(index)
  }

  function indexOf(id: number): number {
    void version.value
    const own = items.value.findIndex((c) => c.id === id)
    return own >= 0 ? own : (pages.indexOf(id) ?? -1)
  }

  /** Rows the grid shows now; the store's own rows are never fetched twice. */
  function request(start: number, end: number): void {
    const from = Math.max(start, items.value.length)
    if (from < end) pages.request(from, end)
    // Near the end of the store's pages, let the store grow too: J/K reviews walk its list.
    if (start <= items.value.length && end >= items.value.length && hasMore.value) void clips.loadMore()
  }

  const error = computed(() => {
    void version.value
    return pages.error
  })

  onScopeDispose(() => pages.reset(0))

  return { total, at, indexOf, request, error, version, pages }
}
