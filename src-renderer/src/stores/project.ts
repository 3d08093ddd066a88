import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ProjectInfo } from '../../../src-main/api/contract'
import { describeError, isAbortError } from '../api/api-error'
import type { ConnectionState } from '../api/client'
import { useApi } from '../api/use-api'

/** Counts come from SQL on the core; a burst of decisions refreshes them once, not per event. */
const COUNTS_REFRESH_MS = 250

export const useProjectStore = defineStore('project', () => {
  const api = useApi()

  const info = ref<ProjectInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  const connection = ref<ConnectionState>(api.connectionState())
  const transportKind = api.transportKind

  const transportLabel = computed(() => (transportKind === 'ipc' ? 'desktop (IPC)' : 'browser (HTTP)'))
  const reviewer = computed(() => info.value?.reviewer ?? '')

  let controller: AbortController | null = null
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  async function load(): Promise<void> {
    controller?.abort()
    const own = (controller = new AbortController())
    loading.value = true
    try {
      info.value = await api.invoke('project:info', {}, { signal: own.signal })
      error.value = null
    } catch (err) {
      if (isAbortError(err)) return
      error.value = describeError(err)
    } finally {
      if (controller === own) loading.value = false
    }
  }

  function scheduleRefresh(): void {
    if (refreshTimer !== null) return
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void load()
    }, COUNTS_REFRESH_MS)
  }

  api.on('clips:changed', scheduleRefresh)
  api.on('settings:changed', (settings) => {
    if (info.value) info.value = { ...info.value, reviewer: settings.reviewer }
  })
  let wasDisconnected = false
  api.onConnectionChange((state) => {
    connection.value = state
    if (state === 'closed') wasDisconnected = true
    // Events sent while the socket was down are lost, so the counts may be stale.
    if (state === 'open' && wasDisconnected && info.value !== null) void load()
    if (state === 'open') wasDisconnected = false
  })

  return { info, error, loading, connection, transportKind, transportLabel, reviewer, load }
})
