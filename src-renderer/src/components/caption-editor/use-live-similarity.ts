import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { describeError, isAbortError } from '../../api/api-error'
import { useApi } from '../../api/use-api'

/**
 * Quiet time after a keystroke before the text is sent. Short, because the debounce is most of
 * what a curator waits for (bench/UI.md: the re-score itself is tens of ms); the one-in-flight
 * rule below, not this delay, is what keeps fast typing from flooding the core.
 */
export const RESCORE_DEBOUNCE_MS = 80

export type LiveSimilarity =
  | { state: 'idle' }
  /** The text on screen is not scored yet; `previous` is the last number shown, for older text. */
  | { state: 'scoring'; previous: number | null }
  | { state: 'scored'; similarity: number; modelId: string }
  | { state: 'unavailable'; message: string }

interface Ask {
  clipId: number
  caption: string
}

const same = (a: Ask | null, b: Ask | null) => a !== null && b !== null && a.clipId === b.clipId && a.caption === b.caption

/**
 * ViCLIP similarity of the text being typed, against the clip's stored video embedding.
 *
 * At most one clips:rescore is in flight per editor: aborting on every keystroke would not spare
 * the core (an aborted request is still computed there), so while one runs only the latest text
 * is kept, and it is sent when the answer comes. An answer for text that has changed since is
 * dropped; until the current text is scored the readout is `scoring`, showing the old number as
 * stale rather than a number for words no longer there. No model or no embedding is a normal
 * state of a project, so failures are reported as "unavailable", never thrown.
 */
export function useLiveSimilarity(clipId: Ref<number | null>, text: Ref<string>, active: Ref<boolean>) {
  const api = useApi()
  const result = ref<LiveSimilarity>({ state: 'idle' })
  let timer: ReturnType<typeof setTimeout> | null = null
  let inFlight: (Ask & { controller: AbortController }) | null = null
  /** Text whose debounce has passed while a request was in flight: sent when that one answers. */
  let queued: Ask | null = null
  /** The last answer for the current clip, and the text it was computed for. */
  let scored: (Ask & { similarity: number; modelId: string }) | null = null

  const current = (): Ask | null =>
    active.value && clipId.value !== null && text.value.trim() ? { clipId: clipId.value, caption: text.value } : null

  function clearTimer(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  function stopAll(): void {
    clearTimer()
    queued = null
    inFlight?.controller.abort()
    inFlight = null
  }

  function lastNumber(): number | null {
    const r = result.value
    return r.state === 'scored' ? r.similarity : r.state === 'scoring' ? r.previous : null
  }

  function send(ask: Ask): void {
    if (inFlight) {
      // Only the latest text matters; anything queued before it is already stale.
      queued = same(inFlight, ask) ? null : ask
      return
    }
    queued = null
    const own = { ...ask, controller: new AbortController() }
    inFlight = own
    api
      .invoke('clips:rescore', { clipId: ask.clipId, caption: ask.caption }, { signal: own.controller.signal })
      .then(
        (r) => {
          if (inFlight !== own || !same(own, current())) return
          scored = { ...ask, similarity: r.similarity, modelId: r.modelId }
          result.value = { state: 'scored', similarity: r.similarity, modelId: r.modelId }
        },
        (err: unknown) => {
          if (inFlight !== own || isAbortError(err) || !same(own, current())) return
          scored = null
          result.value = { state: 'unavailable', message: describeError(err) }
        },
      )
      .finally(() => {
        if (inFlight !== own) return
        inFlight = null
        const next = queued
        queued = null
        if (next && same(next, current())) send(next)
      })
  }

  watch(
    [clipId, text, active],
    ([id], [oldId]) => {
      clearTimer()
      const ask = current()
      if (ask === null || id !== oldId) {
        // Another clip (or the editor closed): nothing in flight or shown belongs to this text.
        stopAll()
        scored = null
        result.value = { state: 'idle' }
        if (ask === null) return
      }
      if (scored && same(ask, scored)) {
        // Typed back to the scored text (a character, then Backspace): its number holds again.
        queued = null
        result.value = { state: 'scored', similarity: scored.similarity, modelId: scored.modelId }
        return
      }
      if (result.value.state !== 'scoring') result.value = { state: 'scoring', previous: lastNumber() }
      if (same(ask, inFlight)) {
        queued = null
        return
      }
      timer = setTimeout(() => {
        timer = null
        const latest = current()
        if (latest) send(latest)
      }, RESCORE_DEBOUNCE_MS)
    },
    { immediate: true },
  )

  onScopeDispose(stopAll)
  return result
}
