import { ref, watch } from 'vue'
import type { Density } from './virtual-range'

const STORAGE_KEY = 'vicurate.grid.density'

function saved(): Density {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY)
    return v === 'compact' || v === 'comfortable' ? v : 'comfortable'
  } catch {
    // Storage can be denied (privacy settings, sandboxed origins); the default is fine.
    return 'comfortable'
  }
}

/** Card size, remembered per browser profile: a curator picks it once, not per session. */
export function useDensity() {
  const density = ref<Density>(saved())
  watch(density, (d) => {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, d)
    } catch {
      // Not remembering is harmless.
    }
  })
  return { density }
}
