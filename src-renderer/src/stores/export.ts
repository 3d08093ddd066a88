import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ExportPreview, ExportSelection, ExportStatus, JobProgressEvent } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'
import { hasFilters, useClipsStore } from './clips'
import { useFiltersStore } from './filters'

/**
 * The CLI's presets (`vicurate export --preset flt|aes`, `--div N`), as InternVid built its
 * subsets: FLT = 1–120 s, top 30 % by similarity, then DIV; DIV = diversity sampling alone;
 * AES = aesthetic ≥ 4. They narrow the grid's filters further, as the CLI's flags do.
 */
export type ExportPreset = 'none' | 'flt' | 'div' | 'aes'
/** InternVid-10M-FLT / -DIV's size: with fewer candidates every clip is kept. */
export const DIV_DEFAULT_N = 10_000_000

export const useExportStore = defineStore('export', () => {
  const api = useApi()
  const clips = useClipsStore()
  const filters = useFiltersStore()

  const status = ref<ExportStatus>('all')
  const useFilters = ref(true)
  const preset = ref<ExportPreset>('none')
  const divN = ref(DIV_DEFAULT_N)
  const seed = ref(0)
  const format = ref<'jsonl' | 'csv'>('jsonl')
  const withReview = ref(false)
  const out = ref('')
  /** Optional: also cut every exported clip into this folder as an mp4 (`--clips-dir`). */
  const clipsDir = ref('')

  const preview = shallowRef<ExportPreview | null>(null)
  const previewError = ref<string | null>(null)
  const jobId = ref<number | null>(null)
  const progress = shallowRef<JobProgressEvent | null>(null)
  const writeError = ref<string | null>(null)
  const starting = ref(false)

  const running = computed(() => starting.value || (jobId.value !== null && (progress.value === null || progress.value.status === 'running')))
  const result = computed(() => (progress.value?.status === 'done' ? (progress.value.detail ?? 'Export written.') : null))
  /** While running: how far the clip files are ("12 / 57 clip files"), once the job reports it. */
  const runningText = computed(() => {
    const p = progress.value
    if (!running.value) return null
    return p && p.status === 'running' && /cutting clip files/.test(p.detail ?? '') ? `Cutting clip files… ${p.done} / ${p.total}` : 'Writing…'
  })

  const selection = computed<ExportSelection>(() => {
    const f = filters.applied
    return {
      status: status.value,
      ...(useFilters.value && hasFilters(f) ? { filters: f } : {}),
      preset: preset.value === 'flt' || preset.value === 'aes' ? preset.value : null,
      div: preset.value === 'flt' || preset.value === 'div' ? { n: divN.value, seed: seed.value } : null,
    }
  })

  let previewController: AbortController | null = null

  /** Called as the dialog opens: the grid's status and filters are the default selection. */
  function begin(): void {
    status.value = clips.statusFilter
    useFilters.value = true
    jobId.value = null
    progress.value = null
    writeError.value = null
  }

  async function loadPreview(): Promise<void> {
    previewController?.abort()
    const own = (previewController = new AbortController())
    try {
      preview.value = await api.invoke('dataset:exportPreview', selection.value, { signal: own.signal })
      previewError.value = null
    } catch (err) {
      if (isAbortError(err)) return
      preview.value = null
      previewError.value = describeError(err)
    }
  }

  async function write(): Promise<void> {
    if (!out.value.trim() || running.value) return
    starting.value = true
    writeError.value = null
    progress.value = null
    try {
      const dir = clipsDir.value.trim()
      const r = await api.invoke('dataset:export', { ...selection.value, out: out.value.trim(), format: format.value, withReview: withReview.value, ...(dir && { clipsDir: dir }) })
      jobId.value = r.jobId
    } catch (err) {
      writeError.value = describeError(err)
    } finally {
      starting.value = false
    }
  }

  /**
   * A failed job's reason is stored on its row, not in the event; a job that failed only because
   * some clip files could not be cut has no row error, and its last progress says which.
   */
  async function readFailure(id: number, detail: string | undefined): Promise<void> {
    try {
      const job = (await api.invoke('jobs:list', { limit: 100 })).find((j) => j.id === id)
      writeError.value = job?.error ?? detail ?? 'the export failed'
    } catch (err) {
      writeError.value = describeError(err)
    }
  }

  api.on('jobs:progress', (e) => {
    if (e.jobId !== jobId.value) return
    progress.value = e
    if (e.status === 'failed') void readFailure(e.jobId, e.detail)
    if (e.status === 'cancelled') writeError.value = clipsDir.value.trim() ? `The export was cancelled: ${e.detail ?? ''}` : 'The export was cancelled; nothing was written.'
  })

  return {
    status, useFilters, preset, divN, seed, format, withReview, out, clipsDir,
    preview, previewError, jobId, progress, writeError, running, runningText, result, selection,
    begin, loadPreview, write,
  }
})
