import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { ClipFilters, FilterField, Histogram, KeepRate, RangeFilter } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'
import { hasFilters, useClipsStore, type ClipSort, type StatusFilter } from './clips'

export const FILTER_FIELDS: readonly FilterField[] = ['similarity', 'aesthetic', 'duration', 'captionLength']
export const FIELD_LABELS: Record<FilterField, string> = {
  similarity: 'Similarity',
  aesthetic: 'Aesthetic',
  duration: 'Duration',
  captionLength: 'Caption length',
}
/**
 * A slider move reaches the list this much later: one task, so the updates of one gesture
 * coalesce. The core answers `clips:list` on its own connection while statistics run in a worker,
 * so the grid no longer waits for the histograms and needs no debounce of its own.
 */
export const APPLY_DELAY_MS = 0
/**
 * Histograms and the keep rate are asked again after this much quiet (and caption text reaches
 * the list after it too, so typing does not search every prefix): a drag or a word being typed
 * does not recompute the statistics per step.
 */
export const STATS_DELAY_MS = 150

export type FieldMode = 'range' | 'top'
/** One field's slider state: `null` bounds are open (the slider sits at the field's end). */
export interface FieldState {
  mode: FieldMode
  min: number | null
  max: number | null
  /** Used in 'top' mode: keep the best k % by this field. */
  topPercent: number
}

export function emptyField(): FieldState {
  return { mode: 'range', min: null, max: null, topPercent: 100 }
}

function emptyFields(): Record<FilterField, FieldState> {
  return { similarity: emptyField(), aesthetic: emptyField(), duration: emptyField(), captionLength: emptyField() }
}

function rangeOf(f: FieldState): RangeFilter | null {
  if (f.mode === 'top') return f.topPercent > 0 && f.topPercent < 100 ? { topPercent: f.topPercent } : null
  const r: RangeFilter = {}
  if (f.min !== null) r.min = f.min
  if (f.max !== null) r.max = f.max
  return Object.keys(r).length > 0 ? r : null
}

/** The query's `filters`: only fields that narrow the list, and the trimmed caption text. */
export function buildFilters(fields: Record<FilterField, FieldState>, text: string): ClipFilters {
  const out: ClipFilters = {}
  for (const field of FILTER_FIELDS) {
    const r = rangeOf(fields[field])
    if (r) out[field] = r
  }
  const words = text.trim().replace(/\s+/g, ' ')
  if (words) out.text = words
  return out
}

/** The slider state that `buildFilters` turns back into `f` (a saved view's filters). */
export function fieldsFrom(f: ClipFilters): Record<FilterField, FieldState> {
  const out = emptyFields()
  for (const field of FILTER_FIELDS) {
    const r = f[field]
    if (!r) continue
    out[field] = r.topPercent !== undefined
      ? { ...emptyField(), mode: 'top', topPercent: r.topPercent }
      : { ...emptyField(), min: r.min ?? null, max: r.max ?? null }
  }
  return out
}

function keyOf(status: StatusFilter, filters: ClipFilters): string {
  return JSON.stringify([status, filters])
}

/** "12,345 clips · 34.5 h · 61.7 % of all" */
export function formatKeepRate(k: KeepRate): string {
  const share = k.totalClips > 0 ? ((k.clips / k.totalClips) * 100).toFixed(1) : '0.0'
  const hours = k.hours.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  return `${k.clips.toLocaleString('en-US')} clips · ${hours} h · ${share} % of all`
}

export const useFiltersStore = defineStore('filters', () => {
  const api = useApi()
  const clips = useClipsStore()

  const fields = ref<Record<FilterField, FieldState>>(emptyFields())
  const text = ref('')
  /** Histograms are fetched only while the panel is open. */
  const panelOpen = ref(false)
  /** What the list was last asked with (the draft above becomes this after the debounce). */
  const applied = shallowRef<ClipFilters>({})
  const histograms = shallowRef<Partial<Record<FilterField, Histogram>>>({})
  const keepRate = shallowRef<KeepRate | null>(null)
  const keepRateKey = ref<string | null>(null)
  const error = ref<string | null>(null)

  const draft = computed(() => buildFilters(fields.value, text.value))
  const active = computed(() => hasFilters(applied.value))

  /**
   * The `all` series per field, kept from the first answer: it counts every clip, so filters
   * never change it; it is replaced only when the field's bins move (new clips were scored).
   */
  const allCache = new Map<FilterField, Pick<Histogram, 'min' | 'max' | 'binWidth' | 'all'>>()

  // One controller per kind of request: a newer filter aborts the stale ones of that kind.
  let histogramController: AbortController | null = null
  let keepRateController: AbortController | null = null
  let listTimer: ReturnType<typeof setTimeout> | null = null
  let statsTimer: ReturnType<typeof setTimeout> | null = null

  function cancelScheduled(): void {
    if (listTimer !== null) clearTimeout(listTimer)
    if (statsTimer !== null) clearTimeout(statsTimer)
    listTimer = statsTimer = null
  }

  function withCachedAll(h: Histogram): Histogram {
    const cached = allCache.get(h.field)
    if (cached && cached.min === h.min && cached.max === h.max && cached.binWidth === h.binWidth && cached.all.length === h.all.length) {
      return { ...h, all: cached.all }
    }
    allCache.set(h.field, { min: h.min, max: h.max, binWidth: h.binWidth, all: h.all })
    return h
  }

  async function loadHistograms(): Promise<void> {
    histogramController?.abort()
    const own = (histogramController = new AbortController())
    const status = clips.statusFilter
    const filters = applied.value
    const narrowed = hasFilters(filters) ? { filters } : {}
    // No bin counts: the core's defaults, with which it computes a scope's histograms and its
    // density plot in one pass over the clips (one pass per slider move, not two).
    try {
      const answers = await Promise.all(
        FILTER_FIELDS.map((field) =>
          api.invoke('clips:histogram', { field, status, ...narrowed }, { signal: own.signal }),
        ),
      )
      const next: Partial<Record<FilterField, Histogram>> = {}
      for (const h of answers) next[h.field] = withCachedAll(h)
      histograms.value = next
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      own.abort() // the other fields' answers are no use without this one
      error.value = describeError(err)
    }
  }

  async function loadKeepRate(): Promise<void> {
    keepRateController?.abort()
    const own = (keepRateController = new AbortController())
    const status = clips.statusFilter
    const filters = applied.value
    try {
      const k = await api.invoke('clips:keepRate', { status, ...(hasFilters(filters) ? { filters } : {}) }, { signal: own.signal })
      keepRate.value = k
      keepRateKey.value = keyOf(status, filters)
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    }
  }

  /** Histograms (panel open) and the keep rate (panel open or filters on) for the applied filters. */
  async function refreshStats(): Promise<void> {
    const work: Promise<void>[] = []
    if (panelOpen.value) work.push(loadHistograms())
    if (panelOpen.value || active.value) work.push(loadKeepRate())
    await Promise.all(work)
  }

  /** Applies the draft now (cancelling anything scheduled): list, histograms, keep rate. */
  async function applyNow(): Promise<void> {
    cancelScheduled()
    applied.value = draft.value
    await Promise.all([clips.setFilters(applied.value), refreshStats()])
  }

  /** The list after `listDelayMs`, the statistics once `STATS_DELAY_MS` pass without another change. */
  function scheduleApply(listDelayMs: number): void {
    cancelScheduled()
    listTimer = setTimeout(() => {
      listTimer = null
      applied.value = draft.value
      void clips.setFilters(applied.value)
    }, listDelayMs)
    // Never before the list timer (same or longer delay, set later): `applied` is the newest then.
    statsTimer = setTimeout(() => {
      statsTimer = null
      void refreshStats()
    }, Math.max(listDelayMs, STATS_DELAY_MS))
  }

  function update(field: FilterField, patch: Partial<FieldState>): void {
    fields.value = { ...fields.value, [field]: { ...fields.value[field], ...patch } }
    scheduleApply(APPLY_DELAY_MS)
  }

  const setRange = (field: FilterField, min: number | null, max: number | null): void => update(field, { min, max })
  const setTopPercent = (field: FilterField, topPercent: number): void => update(field, { topPercent })
  const setMode = (field: FilterField, mode: FieldMode): void => update(field, { mode })

  function setText(value: string): void {
    text.value = value
    scheduleApply(STATS_DELAY_MS)
  }

  async function clear(): Promise<void> {
    fields.value = emptyFields()
    text.value = ''
    await applyNow()
  }

  /** Sliders and search text from `f` (a saved view), applied at once with the view's status and sort. */
  async function replace(f: ClipFilters, status: StatusFilter, sort: ClipSort): Promise<void> {
    cancelScheduled()
    fields.value = fieldsFrom(f)
    text.value = f.text ?? ''
    applied.value = draft.value
    await Promise.all([clips.setQuery({ status, sort, filters: applied.value }), refreshStats()])
  }

  /** The density plot's brush: both score ranges as closed ranges, applied now (no debounce). */
  async function setScoreRanges(similarity: [number, number], aesthetic: [number, number]): Promise<void> {
    fields.value = {
      ...fields.value,
      similarity: { ...emptyField(), min: similarity[0], max: similarity[1] },
      aesthetic: { ...emptyField(), min: aesthetic[0], max: aesthetic[1] },
    }
    await applyNow()
  }

  async function setPanelOpen(open: boolean): Promise<void> {
    panelOpen.value = open
    if (open) await refreshStats()
  }

  /** The filtered list's length, when the keep rate answered for exactly this status and filters. */
  function countFor(status: StatusFilter, filters: ClipFilters): number | null {
    return keepRate.value && keepRateKey.value === keyOf(status, filters) ? keepRate.value.clips : null
  }

  // Caption edits move caption lengths (and rescoring, scores): the `all` counts are stale then.
  api.on('clips:changed', () => allCache.clear())
  watch(
    () => clips.statusFilter,
    () => void refreshStats(),
  )

  return {
    fields,
    text,
    panelOpen,
    applied,
    draft,
    active,
    histograms,
    keepRate,
    error,
    setRange,
    setTopPercent,
    setMode,
    setText,
    clear,
    applyNow,
    refreshStats,
    setPanelOpen,
    replace,
    setScoreRanges,
    countFor,
  }
})
