import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { describeError } from '../api/api-error'
import { useApi } from '../api/use-api'

const AUTO_ADVANCE_KEY = 'vicurate.autoAdvance'

function readFlag(key: string, fallback: boolean): boolean {
  try {
    const raw = globalThis.localStorage?.getItem(key)
    return raw === null || raw === undefined ? fallback : raw === 'true'
  } catch {
    return fallback
  }
}

/**
 * The reviewer name is project-wide (stored by the core, stamped on every event); auto-advance
 * is a personal habit of this machine, so it lives in localStorage.
 */
export const useSettingsStore = defineStore('settings', () => {
  const api = useApi()
  const reviewer = ref('')
  const error = ref<string | null>(null)
  const saving = ref(false)
  const autoAdvance = ref(readFlag(AUTO_ADVANCE_KEY, false))

  watch(autoAdvance, (on) => {
    try {
      globalThis.localStorage?.setItem(AUTO_ADVANCE_KEY, String(on))
    } catch {
      // Storage can be disabled (private mode); the toggle still works for this session.
    }
  })

  async function load(): Promise<void> {
    try {
      reviewer.value = (await api.invoke('settings:get', {})).reviewer
      error.value = null
    } catch (err) {
      error.value = describeError(err)
    }
  }

  /** True once the core has stored the name; the old name stays shown until then. */
  async function setReviewer(name: string): Promise<boolean> {
    saving.value = true
    try {
      reviewer.value = (await api.invoke('settings:update', { reviewer: name })).reviewer
      error.value = null
      return true
    } catch (err) {
      error.value = describeError(err)
      return false
    } finally {
      saving.value = false
    }
  }

  api.on('settings:changed', (s) => (reviewer.value = s.reviewer))

  return { reviewer, error, saving, autoAdvance, load, setReviewer }
})
