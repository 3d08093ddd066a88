import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import type { ClipDetail, ClipSummary } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import { useApi } from '../api/use-api'

/**
 * The full record of the selected clip (model captions, history). Re-read whenever the store's
 * summary of it is replaced — a saved decision or edit here, or a change pushed from another
 * window — and whenever `reload` ticks; a newer read aborts the older one.
 */
export function useClipDetail(clip: Ref<ClipSummary | null>, reload: Ref<number>) {
  const api = useApi()
  const detail = shallowRef<ClipDetail | null>(null)
  const error = ref<string | null>(null)
  let controller: AbortController | null = null

  async function load(id: number): Promise<void> {
    controller?.abort()
    const own = (controller = new AbortController())
    try {
      const d = await api.invoke('clips:get', { clipId: id }, { signal: own.signal })
      if (controller !== own) return
      detail.value = d
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    }
  }

  watch(
    [clip, reload],
    ([c], old) => {
      if (!c) {
        controller?.abort()
        detail.value = null
        return
      }
      // A different clip must never show the last one's history while its own loads.
      if ((old?.[0] as ClipSummary | null | undefined)?.id !== c.id) detail.value = null
      void load(c.id)
    },
    { immediate: true },
  )

  onScopeDispose(() => controller?.abort())
  return { detail, error }
}
