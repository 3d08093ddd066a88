import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ClipSummary } from '../../../src-main/api/contract'
import { ApiRequestError, describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'
import { useClipsStore } from './clips'

export type SemanticHit = ClipSummary & { score: number }

export const SEARCH_LIMIT = 50

/**
 * Text → clips by ViCLIP embedding (`search:semantic`), within the grid's status filter. A
 * missing model is the installation's state, not a failure: it gets its own message with the
 * install command the core names.
 */
export const useSemanticSearchStore = defineStore('semantic-search', () => {
  const api = useApi()
  const clips = useClipsStore()

  const text = ref('')
  const results = shallowRef<SemanticHit[]>([])
  /** The text the results are for; null before the first search. */
  const searchedFor = ref<string | null>(null)
  const searching = ref(false)
  const error = ref<string | null>(null)
  const modelMissing = ref<string | null>(null)

  let controller: AbortController | null = null

  async function search(): Promise<void> {
    const query = text.value.trim()
    if (!query) return
    controller?.abort()
    const own = (controller = new AbortController())
    searching.value = true
    try {
      const r = await api.invoke('search:semantic', { text: query, limit: SEARCH_LIMIT, status: clips.statusFilter }, { signal: own.signal })
      results.value = r.items
      searchedFor.value = query
      error.value = null
      modelMissing.value = null
    } catch (err) {
      if (isAbortError(err)) return
      results.value = []
      searchedFor.value = query
      // `unavailable` also means an unreachable core; the model store's error names the install command.
      const unavailable = err instanceof ApiRequestError && err.code === 'unavailable' && /is not installed/.test(err.message)
      modelMissing.value = unavailable ? describeError(err) : null
      error.value = unavailable ? null : describeError(err)
    } finally {
      if (controller === own) searching.value = false
    }
  }

  function clear(): void {
    controller?.abort()
    text.value = ''
    results.value = []
    searchedFor.value = null
    error.value = null
    modelMissing.value = null
    searching.value = false
  }

  /** Shows a hit in the player and detail pane, even when the grid's pages do not hold it. */
  function open(hit: SemanticHit): void {
    const { score: _score, ...summary } = hit
    clips.select(hit.id, summary)
  }

  return { text, results, searchedFor, searching, error, modelMissing, search, clear, open }
})
