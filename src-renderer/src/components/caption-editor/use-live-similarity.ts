import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { describeError, isAbortError } from '../../api/api-error'
import { useApi } from '../../api/use-api'

export const RESCORE_DEBOUNCE_MS = 250

export type LiveSimilarity =
  | { state: 'idle' }
  | { state: 'scoring' }
  | { state: 'scored'; similarity: number; modelId: string }
  | { state: 'unavailable'; message: string }

/**
 * ViCLIP similarity of the text being typed, against the clip's stored video embedding. Each
 * keystroke aborts the request on the wire (its answer would be for old text) and waits
 * RESCORE_DEBOUNCE_MS of quiet before asking again. No model or no embedding is a normal state
 * of a project, so failures are reported as "unavailable", never thrown.
 */
export function useLiveSimilarity(clipId: Ref<number | null>, text: Ref<string>, active: Ref<boolean>) {
  const api = useApi()
  const result = ref<LiveSimilarity>({ state: 'idle' })
  let timer: ReturnType<typeof setTimeout> | null = null
  let controller: AbortController | null = null

  function cancel(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
    controller?.abort()
    controller = null
  }

  async function score(id: number, caption: string): Promise<void> {
    const own = (controller = new AbortController())
    try {
      const r = await api.invoke('clips:rescore', { clipId: id, caption }, { signal: own.signal })
      result.value = { state: 'scored', similarity: r.similarity, modelId: r.modelId }
    } catch (err) {
      if (isAbortError(err)) return
      result.value = { state: 'unavailable', message: describeError(err) }
    } finally {
      if (controller === own) controller = null
    }
  }

  watch(
    [clipId, text, active],
    ([id, caption, on]) => {
      cancel()
      if (!on || id === null || !caption.trim()) {
        result.value = { state: 'idle' }
        return
      }
      // Keep showing the last number while typing; it is replaced, not blanked, when the new one lands.
      if (result.value.state !== 'scored') result.value = { state: 'scoring' }
      timer = setTimeout(() => {
        timer = null
        void score(id, caption)
      }, RESCORE_DEBOUNCE_MS)
    },
    { immediate: true },
  )

  onScopeDispose(cancel)
  return result
}
