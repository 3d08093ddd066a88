import { onScopeDispose, ref, watch, type Ref } from 'vue'

/**
 * True only once `source` has stayed true for `delayMs`: fast answers never flash a spinner.
 */
export function useDelayedFlag(source: () => boolean, delayMs = 150): Readonly<Ref<boolean>> {
  const flag = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  const stop = watch(
    source,
    (on) => {
      if (timer !== null) clearTimeout(timer)
      timer = null
      if (!on) flag.value = false
      else timer = setTimeout(() => (flag.value = true), delayMs)
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    stop()
    if (timer !== null) clearTimeout(timer)
  })
  return flag
}
