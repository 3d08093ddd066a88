import { defineStore } from 'pinia'
import { reactive } from 'vue'
import type { MediaStatus } from '../../../src-main/api/contract'
import { describeError } from '../api/api-error'
import { useApi } from '../api/use-api'

/**
 * Whether each video can be played yet. The core answers `media:prepare` at once for sources
 * browsers play; for the others (AVI, HEVC, …) it makes a playback proxy and pushes
 * `media:status` as that goes on. Statuses are kept per video, so moving between clips of one
 * video asks once, and a proxy that became ready while another clip was shown is ready here too.
 */
export const useMediaStore = defineStore('media', () => {
  const api = useApi()
  const statuses = reactive(new Map<number, MediaStatus>())
  const asking = new Map<number, Promise<void>>()
  /** Events seen per video: an answer that raced with a newer event must not overwrite it. */
  const eventCount = new Map<number, number>()

  function status(videoId: number): MediaStatus | null {
    return statuses.get(videoId) ?? null
  }

  /** The URL to give the <video>, once there is something it can play; null until then. */
  function url(videoId: number): string | null {
    const s = statuses.get(videoId)
    return s?.state === 'ready' ? api.media.video(videoId, s.revision) : null
  }

  /**
   * Asks the core unless the answer is settled (ready) or on its way (events follow a
   * 'preparing'). A failure is asked again on the next selection: the core remembers its own
   * failures per file version, so that costs one small request, and a fixed file recovers.
   */
  function prepare(videoId: number, again = false): Promise<void> {
    const known = statuses.get(videoId)?.state
    if (!again && (known === 'ready' || known === 'preparing')) return Promise.resolve()
    const pending = asking.get(videoId)
    if (pending) return pending
    const seen = eventCount.get(videoId) ?? 0
    const request = api
      .invoke('media:prepare', { videoId })
      .then((s) => {
        if ((eventCount.get(videoId) ?? 0) === seen) statuses.set(videoId, s)
      })
      .catch((err) => {
        statuses.set(videoId, { videoId, state: 'failed', proxy: false, reason: describeError(err), progress: null, revision: null })
      })
      .finally(() => asking.delete(videoId))
    asking.set(videoId, request)
    return request
  }

  api.on('media:status', (s) => {
    eventCount.set(s.videoId, (eventCount.get(s.videoId) ?? 0) + 1)
    statuses.set(s.videoId, s)
  })
  // Events pushed while the socket was down are lost: ask again about copies still being made.
  api.onConnectionChange((state) => {
    if (state !== 'open') return
    for (const [videoId, s] of statuses) if (s.state === 'preparing') void prepare(videoId, true)
  })

  return { statuses, status, url, prepare }
})
