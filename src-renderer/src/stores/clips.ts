import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ClipDetail, ClipFilters, ClipListQuery, ClipSortKey, ClipStatus, ClipSummary, DecisionAction } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'

export type StatusFilter = ClipStatus | 'all'
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'pending', 'accepted', 'rejected']

export type SortOrder = 'asc' | 'desc'
export interface ClipSort {
  sort: ClipSortKey
  order: SortOrder
}
/** The core's own default order; a query for it carries no sort fields. */
export const DEFAULT_SORT: ClipSort = { sort: 'id', order: 'asc' }

export const PAGE_SIZE = 100

/** True when `f` names any filter (`buildFilters` in stores/filters.ts leaves out open ranges and empty text). */
export function hasFilters(f: ClipFilters): boolean {
  return Object.keys(f).length > 0
}
/** Above this many changed clips in view, one page reload is cheaper than per-clip fetches. */
const MAX_PER_CLIP_REFRESH = 20

function toSummary(d: ClipDetail): ClipSummary {
  return {
    id: d.id,
    videoId: d.videoId,
    sourceId: d.sourceId,
    startS: d.startS,
    endS: d.endS,
    durationS: d.durationS,
    status: d.status,
    caption: d.caption,
    similarity: d.similarity,
    aesthetic: d.aesthetic,
    hasThumbnail: d.hasThumbnail,
    hasSprite: d.hasSprite,
    fps: d.fps,
    mediaMissing: d.mediaMissing,
  }
}

export const useClipsStore = defineStore('clips', () => {
  const api = useApi()

  // shallowRef: summaries are replaced whole, never mutated, and a million-clip list must not
  // pay for deep reactivity.
  const items = shallowRef<ClipSummary[]>([])
  const nextCursor = ref<string | null>(null)
  const statusFilter = ref<StatusFilter>('all')
  const sort = ref<ClipSort>(DEFAULT_SORT)
  /** Score/duration/caption-length ranges and caption text (built by the filters store). */
  const filters = shallowRef<ClipFilters>({})
  const loadingFirst = ref(false)
  const loadingMore = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const selectedId = ref<number | null>(null)
  /** Clips whose decision is on the wire; a second key press for the same clip is ignored. */
  const deciding = shallowRef<ReadonlySet<number>>(new Set())
  const decideError = ref<string | null>(null)

  /**
   * A clip selected in the grid far beyond the store's own pages (the grid's sparse cache holds
   * it): kept here so the detail pane, decisions and edits work on it too.
   */
  const farSelected = shallowRef<ClipSummary | null>(null)
  const selected = computed(
    () => items.value.find((c) => c.id === selectedId.value) ?? (farSelected.value?.id === selectedId.value ? farSelected.value : null),
  )
  const selectedIndex = computed(() => items.value.findIndex((c) => c.id === selectedId.value))
  const hasMore = computed(() => nextCursor.value !== null)
  const selectedIsDeciding = computed(() => selectedId.value !== null && deciding.value.has(selectedId.value))

  // One controller for list requests: a new filter aborts both a stale first page and a stale
  // "load more", whose cursor belongs to the old filter.
  let listController: AbortController | null = null
  // Orders writes to one clip: a refresh fetched before a decision answer must not overwrite it.
  let writeClock = 0
  const lastWrite = new Map<number, number>()

  // Keyset paging on the core works for every sort key, so the cursor simply follows the query.
  function listQuery(cursor: string | null): ClipListQuery {
    const { sort: key, order } = sort.value
    const custom = key !== DEFAULT_SORT.sort || order !== DEFAULT_SORT.order
    const narrowed = hasFilters(filters.value) ? { filters: filters.value } : {}
    return { status: statusFilter.value, ...narrowed, ...(custom ? { sort: key, order } : {}), limit: PAGE_SIZE, cursor }
  }

  function replaceItem(summary: ClipSummary): void {
    lastWrite.set(summary.id, ++writeClock)
    if (farSelected.value?.id === summary.id) farSelected.value = summary
    const i = items.value.findIndex((c) => c.id === summary.id)
    if (i < 0) return
    const next = items.value.slice()
    next[i] = summary
    items.value = next
  }

  async function loadFirst(): Promise<void> {
    listController?.abort()
    const own = (listController = new AbortController())
    loadingFirst.value = true
    loadingMore.value = false
    try {
      const page = await api.invoke('clips:list', listQuery(null), { signal: own.signal })
      items.value = page.items
      nextCursor.value = page.nextCursor
      loaded.value = true
      error.value = null
      if (!page.items.some((c) => c.id === selectedId.value)) selectedId.value = page.items[0]?.id ?? null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    } finally {
      if (listController === own) loadingFirst.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (loadingFirst.value || loadingMore.value || nextCursor.value === null) return
    const own = (listController ??= new AbortController())
    loadingMore.value = true
    try {
      const page = await api.invoke('clips:list', listQuery(nextCursor.value), { signal: own.signal })
      const seen = new Set(items.value.map((c) => c.id))
      items.value = items.value.concat(page.items.filter((c) => !seen.has(c.id)))
      nextCursor.value = page.nextCursor
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    } finally {
      if (listController === own) loadingMore.value = false
    }
  }

  async function setFilter(filter: StatusFilter): Promise<void> {
    if (filter === statusFilter.value && loaded.value) return
    statusFilter.value = filter
    await loadFirst()
  }

  async function setSort(next: ClipSort): Promise<void> {
    if (next.sort === sort.value.sort && next.order === sort.value.order && loaded.value) return
    sort.value = { sort: next.sort, order: next.order }
    await loadFirst()
  }

  /** Status, sort and filters at once (a saved view): one first-page request, not three. */
  async function setQuery(next: { status: StatusFilter; sort: ClipSort; filters: ClipFilters }): Promise<void> {
    statusFilter.value = next.status
    sort.value = { sort: next.sort.sort, order: next.sort.order }
    filters.value = next.filters
    await loadFirst()
  }

  async function setFilters(next: ClipFilters): Promise<void> {
    if (JSON.stringify(next) === JSON.stringify(filters.value) && loaded.value) return
    filters.value = next
    await loadFirst()
  }

  /** `clip`: the summary the caller holds, for clips outside the store's loaded pages. */
  function select(id: number | null, clip?: ClipSummary): void {
    selectedId.value = id
    farSelected.value = clip && clip.id === id && !items.value.some((c) => c.id === id) ? clip : null
    decideError.value = null
  }

  /**
   * A far clip (selected where the grid jumped, outside the store's pages) has its neighbours
   * only in the grid's sparse cache: the grid registers how to step from it, so J/K and
   * auto-advance move from the far clip as the arrow keys do.
   */
  let farStepper: ((delta: 1 | -1) => void) | null = null
  function registerFarStepper(fn: ((delta: 1 | -1) => void) | null): void {
    farStepper = fn
  }

  async function selectNext(): Promise<void> {
    const i = selectedIndex.value
    if (i < 0 && farSelected.value) return void farStepper?.(1)
    if (i + 1 >= items.value.length && hasMore.value) await loadMore()
    const next = items.value[i + 1]
    if (next) select(next.id)
  }

  function selectPrevious(): void {
    if (selectedIndex.value < 0 && farSelected.value) return void farStepper?.(-1)
    if (selectedIndex.value < 0) return
    const prev = items.value[selectedIndex.value - 1]
    if (prev) select(prev.id)
  }

  /**
   * Records a decision for the selected clip (or `clipId`, e.g. an undo of a clip left behind).
   * The card changes only when the core answers with the saved summary: a curator must never
   * see "accepted" for a decision that is not on disk. A clip that no longer matches the filter
   * stays in place so J/K order does not jump.
   */
  async function decide(action: DecisionAction, options: { reason?: string | null; clipId?: number } = {}): Promise<ClipSummary | null> {
    const clip = options.clipId !== undefined ? { id: options.clipId } : selected.value
    if (!clip || deciding.value.has(clip.id)) return null
    deciding.value = new Set(deciding.value).add(clip.id)
    decideError.value = null
    try {
      const args = options.reason ? { clipId: clip.id, action, reason: options.reason } : { clipId: clip.id, action }
      const saved = await api.invoke('clips:decide', args)
      replaceItem(saved)
      return saved
    } catch (err) {
      decideError.value = `Could not ${action} clip ${clip.id}: ${describeError(err)}`
      return null
    } finally {
      const rest = new Set(deciding.value)
      rest.delete(clip.id)
      deciding.value = rest
    }
  }

  async function refreshClip(id: number): Promise<void> {
    const startedAt = writeClock
    try {
      const detail = await api.invoke('clips:get', { clipId: id })
      if ((lastWrite.get(id) ?? -1) > startedAt) return
      replaceItem(toSummary(detail))
    } catch (err) {
      error.value = describeError(err)
    }
  }

  /** Another window, tab or the CLI changed clips: re-read the ones on screen from the core. */
  async function onClipsChanged(clipIds: readonly number[]): Promise<void> {
    const inView = new Set(items.value.map((c) => c.id))
    const stale = clipIds.filter((id) => inView.has(id))
    if (stale.length === 0) return
    if (stale.length > MAX_PER_CLIP_REFRESH) return loadFirst()
    await Promise.all(stale.map(refreshClip))
  }

  api.on('clips:changed', (payload) => void onClipsChanged(payload.clipIds))
  let wasDisconnected = false
  api.onConnectionChange((state) => {
    if (state === 'closed') wasDisconnected = true
    // Changes made while the event socket was down were never pushed, so re-read the list.
    if (state === 'open' && wasDisconnected && loaded.value) void loadFirst()
    if (state === 'open') wasDisconnected = false
  })

  return {
    items,
    nextCursor,
    statusFilter,
    sort,
    filters,
    loadingFirst,
    loadingMore,
    loaded,
    error,
    selectedId,
    selected,
    selectedIndex,
    hasMore,
    deciding,
    selectedIsDeciding,
    decideError,
    loadFirst,
    loadMore,
    setFilter,
    setSort,
    setFilters,
    setQuery,
    select,
    selectNext,
    selectPrevious,
    registerFarStepper,
    decide,
    applySummary: replaceItem,
    onClipsChanged,
  }
})
